"""One fix to Altair's speed, applied when the library is imported.

Altair 6.3 turns every shorthand channel (``x="share:Q"``, a tooltip's ``"name:N"``) into its
class through ``SchemaBase.from_dict``, which builds a new ``_FromDict`` each call: that hashes
the schema of every one of Altair's ~600 classes again (about 570 ``json.dumps`` per channel,
5 ms). The classes and their schemas do not change once Altair is imported, so the mapping is
built once per set of classes and shared. Charts come out the same; only the time changes.
"""

from __future__ import annotations

from altair.utils import schemapi


def apply() -> bool:
    """Share ``_FromDict``'s class table between calls; False where Altair's internals differ."""
    from_dict = getattr(schemapi, "_FromDict", None)
    original = getattr(from_dict, "__init__", None)
    if from_dict is None or getattr(original, "_villagereport", False) or not hasattr(from_dict, "hash_schema"):
        return False
    tables: dict[tuple, dict] = {}

    def __init__(self, wrapper_classes, /):  # type: ignore[no-untyped-def]
        classes = tuple(wrapper_classes)
        if classes not in tables:
            original(self, classes)
            tables[classes] = self.class_dict
        self.class_dict = tables[classes]

    __init__._villagereport = True  # type: ignore[attr-defined]
    __init__.__wrapped_original__ = original  # type: ignore[attr-defined]
    from_dict.__init__ = __init__
    return True


apply()
