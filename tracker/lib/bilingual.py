"""Names and notes kept in Thai and English, shown in the reader's language (Thai first)."""
from django.utils.translation import get_language


def in_active_language(thai, english):
    """Thai first; the English text where the UI is in English and there is one."""
    if (get_language() or "th").startswith("en") and english:
        return english
    return thai


class BilingualName:
    """``name`` in the active language, from a model's ``name_th`` and ``name_en``."""

    @property
    def name(self):
        return in_active_language(self.name_th, self.name_en)
