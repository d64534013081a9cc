"""Make Pelican's feeds valid, not only parseable.

Pelican leaves out the feed language, gives every feed of a site the
same Atom id and writes RSS guids that are tag: URIs without saying they
are not permalinks. This plugin fixes each feed before it is written.
"""

import needs

from .plugin import register as register_signals


def register():
    needs.check_at_start()
    register_signals()
