"""The Thai catalogue is complete, has no fuzzy guesses, and the compiled .mo matches the .po."""
import ast
import gettext
from pathlib import Path

from django.conf import settings

THAI = Path(settings.BASE_DIR) / "locale" / "th" / "LC_MESSAGES"


def entries(po_path):
    """(flags, context, msgid, plural, [msgstr …]) for each entry of a .po file, obsolete ones skipped."""
    found, current, key = [], None, None
    for line in po_path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current and current.get("msgid") is not None:
                found.append(current)
            current, key = None, None
            continue
        current = current or {"flags": "", "msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}}
        if line.startswith("#,"):
            current["flags"] += line[2:]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if isinstance(key, int):
                current["msgstr"][key] += text
            else:
                current[key] += text
        else:
            word, _, value = line.partition(" ")
            text = ast.literal_eval(value)
            if word.startswith("msgstr["):
                key = int(word[7:-1])
                current["msgstr"][key] = text
            elif word == "msgstr":
                key = 0
                current["msgstr"][0] = text
            else:
                key = word
                current[word] = text
    return [e for e in found if e["msgid"]]  # the header has an empty msgid


def test_every_thai_string_is_translated_and_none_is_fuzzy():
    catalogue = entries(THAI / "django.po")
    assert len(catalogue) > 200
    fuzzy = [e["msgid"] for e in catalogue if "fuzzy" in e["flags"]]
    missing = [e["msgid"] for e in catalogue if not all(e["msgstr"].values())]
    assert not fuzzy, f"fuzzy: {fuzzy}"
    assert not missing, f"untranslated: {missing}"


def test_the_compiled_catalogue_matches_the_source():
    with open(THAI / "django.mo", "rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    stale = []
    for entry in entries(THAI / "django.po"):
        if entry["msgid_plural"]:
            got = translations.npgettext(entry["msgctxt"], entry["msgid"], entry["msgid_plural"], 1) if entry["msgctxt"] \
                else translations.ngettext(entry["msgid"], entry["msgid_plural"], 1)
        elif entry["msgctxt"]:
            got = translations.pgettext(entry["msgctxt"], entry["msgid"])
        else:
            got = translations.gettext(entry["msgid"])
        if got != entry["msgstr"][0]:
            stale.append(entry["msgid"])
    assert not stale, f"run `make messages` (compilemessages): the .mo differs for {stale}"
