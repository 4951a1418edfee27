# ruff: noqa: E501 - a table of messages and their translations, kept one to a line
"""Write src/conduct/apps/grievances/locale/zh_Hans/LC_MESSAGES/django.po: the Simplified Chinese of what a
reporter reads (the public pages, their errors, the status and choice names, the emails). Officer pages stay
in English. Run, then `msgfmt -o django.mo django.po` in that folder (or `conduct compilemessages`)."""

from __future__ import annotations

from pathlib import Path

ZH = {
    "Too many files.": "文件太多。",
    "At most %(n)d files.": "最多 %(n)d 个文件。",
    "A file is too large.": "有文件太大。",
    "Larger than %(limit)d bytes.": "超过 %(limit)d 字节。",
    "A file is empty.": "有文件是空的。",
    "The file is empty.": "文件是空的。",
    "A file is of a type that is not accepted.": "有文件的类型不被接受。",
    "Accepted: JPEG and PNG images, PDF, plain text.": "接受：JPEG 和 PNG 图片、PDF、纯文本。",
    "An image could not be read.": "有图片无法读取。",
    "Not a readable image.": "不是可读取的图片。",
    "The anti-abuse check failed; fetch a new challenge.": "防滥用检查未通过；请重新获取验证。",
    "Not a challenge issued here, or expired.": "验证无效或已过期。",
    "This challenge is for another step.": "此验证用于其他步骤。",
    "The nonce does not answer the challenge.": "验证答案不正确。",
    "This challenge was used already.": "此验证已被使用。",
    "Received": "已收到",
    "Acknowledged": "已确认",
    "Under investigation": "调查中",
    "Remedy": "补救",
    "No finding": "未发现问题",
    "Closed": "已结案",
    "Employee": "员工",
    "Supplier worker": "供应商工人",
    "Community member": "社区成员",
    "Customer": "客户",
    "Other": "其他",
    "Apology": "道歉",
    "Compensation": "赔偿",
    "Reinstatement": "恢复职位",
    "Process change": "流程改进",
    "The report is not valid.": "举报内容无效。",
    "Not a date: use YYYY-MM-DD.": "日期无效：请使用 YYYY-MM-DD 格式。",
    "Too many requests on this channel just now; please try again in an hour.": "此渠道当前请求过多，请一小时后再试。",
    "This receipt has reached today's limit; please come back tomorrow.": "此回执号今日已达上限，请明天再来。",
    "Your report was acknowledged": "您的举报已被确认",
    "Your report has been received and acknowledged. Follow it up with your receipt on the reporting page.": "您的举报已收到并确认。请在举报页面使用回执号跟进。",
    "News about your report": "您的举报有新进展",
    "There is news about your report. Read it with your receipt on the reporting page.": "您的举报有新进展。请在举报页面使用回执号查看。",
    "Say what happened.": "请说明发生了什么。",
    "At most %(n)d characters.": "最多 %(n)d 个字符。",
    "Expected one of %(values)s.": "应为以下之一：%(values)s。",
    "The date is in the future.": "日期在未来。",
    "At most 20 names of at most 200 characters.": "最多 20 个名字，每个最多 200 个字符。",
    "No report has this receipt. Check the 16 digits.": "没有与此回执号对应的举报。请检查这 16 位数字。",
    "This session has ended; open a new one with your receipt.": "会话已结束；请使用回执号重新打开。",
    "The message is not valid.": "消息无效。",
    "Write 1 to %(n)d characters.": "请输入 1 到 %(n)d 个字符。",
    "The satisfaction question is asked once the report has an outcome.": "举报有处理结果后才会询问满意度。",
    "The answer is not valid.": "回答无效。",
    "A whole number from 1 to 5.": "1 到 5 之间的整数。",
    "Report a concern": "举报问题",
    "This channel does not record your IP address, browser or cookies. You may stay anonymous.": "此渠道不记录您的 IP 地址、浏览器或 Cookie。您可以保持匿名。",
    "Language": "语言",
    "Tell us about harm to people connected with our products, our workplaces or our suppliers. You need no account and need not give your name. You will get a receipt number to follow up your report.": "请告诉我们与我们的产品、工作场所或供应商有关的对人的伤害。您无需账户，也无需提供姓名。您将获得一个回执号，用于跟进您的举报。",
    "Already reported? Follow up with your receipt.": "已经举报过？请使用回执号跟进。",
    "What happened?": "发生了什么？",
    "You are": "您的身份",
    "Where? (org unit, supplier, site, or in your own words)": "在哪里？（部门、供应商、地点，或用您自己的话描述）",
    "When? (YYYY-MM-DD)": "什么时候？（YYYY-MM-DD）",
    "Who is affected?": "谁受到了影响？",
    "People involved (comma-separated; they will not see your report)": "涉及的人员（用逗号分隔；他们不会看到您的举报）",
    "Files (JPEG, PNG, PDF or text; location data in photos is removed)": "文件（JPEG、PNG、PDF 或文本；照片中的位置信息会被删除）",
    "Contact (optional: an email address gets news of your report)": "联系方式（可选：留下电子邮箱可收到举报进展）",
    "Send the report": "提交举报",
    "Thank you: your report was received": "谢谢：您的举报已收到",
    "Your receipt number is shown only now. Write it down and keep it safe: it is the only way back to your report, and we cannot recover it.": "您的回执号仅显示这一次。请记下并妥善保管：这是查看您举报的唯一途径，我们无法找回。",
    "We acknowledge every report within 7 days and give feedback within 3 months.": "我们会在 7 天内确认每一份举报，并在 3 个月内给予反馈。",
    "Follow up with your receipt": "使用回执号跟进",
    "Follow up your report": "跟进您的举报",
    "Receipt number (16 digits)": "回执号（16 位数字）",
    "Open": "打开",
    "Make a new report": "提交新的举报",
    "Your report": "您的举报",
    "Status": "状态",
    "Acknowledgement due by": "确认截止日期",
    "acknowledged": "已确认",
    "Feedback due by": "反馈截止日期",
    "Messages": "消息",
    "You": "您",
    "Handler": "处理人员",
    "No messages yet.": "暂无消息。",
    "Reply": "回复",
    "Send": "发送",
    "Have you faced retaliation for reporting? Tell us here: it is flagged at once.": "您是否因举报而遭到报复？请在此告诉我们：我们会立即标记处理。",
    "Raise a retaliation concern": "报告遭受报复",
    "How satisfied are you with how your report was handled? (1 = not at all, 5 = fully)": "您对举报的处理满意吗？（1 = 完全不满意，5 = 非常满意）",
    "Do you accept the remedy?": "您是否接受补救措施？",
    "Yes": "是",
    "No": "否",
    "Comment (optional)": "意见（可选）",
    "Answer": "提交回答",
}


def po_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main() -> None:
    out = Path(__file__).resolve().parents[1] / "src/conduct/apps/grievances/locale/zh_Hans/LC_MESSAGES"
    out.mkdir(parents=True, exist_ok=True)
    lines = [
        'msgid ""',
        'msgstr ""',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Language: zh_Hans\\n"',
        '"Plural-Forms: nplurals=1; plural=0;\\n"',
        "",
    ]
    for source, target in ZH.items():
        if source.strip() != source:
            continue
        lines += [f"msgid {po_string(source)}", f"msgstr {po_string(target)}", ""]
    (out / "django.po").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
