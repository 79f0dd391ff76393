"""What the recording functions tell the layers above them (which they must not import).

``written_in_bulk`` is sent, inside the writer's transaction, by the recording functions that write
rows in bulk (no ``post_save`` per row): ``sender`` is the model written. The page cache listens
(``tracker.web.versions``)."""
from django.dispatch import Signal

written_in_bulk = Signal()
