from pathlib import Path

from xinyong.settings import Settings

DOC = Path(__file__).parents[1] / "docs" / "settings.md"


def test_every_setting_is_documented():
    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`XINYONG_{name.upper()}`" not in text]
    assert missing == []
