from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
# shared/ lies beside the repository (CI, the main checkout) or beside the folder of worktrees.
_CANDIDATES = (REPO.parent / "shared", REPO.parent.parent / "shared")
SHARED_DATA = next(
    (p / "data" / "product-security" for p in _CANDIDATES if p.is_dir()),
    REPO.parent / "shared" / "data" / "product-security",
)
