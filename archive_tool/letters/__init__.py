"""Letter records from a 互动 platform (issue 26): a 12345 网上平台's or the city platform's
export (``.xlsx`` or ``.csv``) into ``content/<site>/letters/``.

Owns which column holds which field, with the shipped 12345 mapping (``columns``), reading
the export's rows, bounded (``sheet``), and the idempotent, masked import (``importing``).
May import: ``content``, ``safety``, ``group`` (the letter rules a row must pass) and the
shared leaves.
"""
