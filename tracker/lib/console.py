"""What long management commands show while they work."""
import time


class Progress:
    """A one-line progress bar written through the command's stdout."""

    def __init__(self, stdout, total, label):
        self.stdout, self.total, self.label = stdout, total, label
        self.done, self.started, self.shown = 0, time.monotonic(), -1

    def add(self, count):
        self.done += count
        percent = self.done * 100 // max(self.total, 1)
        if percent != self.shown:
            self.shown = percent
            bar = "#" * (percent // 5) + "." * (20 - percent // 5)
            elapsed = time.monotonic() - self.started
            self.stdout.write(f"\r{self.label} [{bar}] {percent:3d}% {self.done:,}/{self.total:,} {elapsed:.1f} s", ending="")
            self.stdout.flush()

    def finish(self):
        self.stdout.write("")
