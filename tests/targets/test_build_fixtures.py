"""The fixture builder reproduces the committed fixtures exactly (they are not hand-edited)."""
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

DATA = Path(settings.BASE_DIR).parent / "shared" / "data"


@pytest.mark.skipif(not DATA.exists(), reason="the shared reference tables are not beside the checkout")
def test_build_fixtures_writes_the_committed_files(tmp_path):
    call_command("build_fixtures", data_dir=str(DATA), out_dir=str(tmp_path), stdout=open("/dev/null", "w"))
    for name in ("reference.json", "demo_meeting_2567.json"):
        committed = Path(settings.FIXTURE_DIRS[0]) / name
        assert (tmp_path / name).read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), name
