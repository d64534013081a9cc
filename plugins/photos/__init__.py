"""Photos for readers: resized versions in WebP and JPEG, never the original.

The author drops the camera or stock-photo original beside the case and
writes ``Image:``; readers get versions sized for their screen
(``srcset``/``sizes``, with ``width``/``height`` so nothing jumps). The
versions are made once with Pillow and kept in the cache between builds.
"""

import needs

from .plugin import register as register_signals

# A photo that is missing or outside content/ is the cases' checks' to report.
NEEDS = ("cases",)


def register():
    needs.check_at_start()
    register_signals()
