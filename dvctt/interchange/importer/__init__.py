"""Import of the interchange format into the platform's models (and the mapping export shares)."""

from .report import ImportReport
from .service import interchange_import

__all__ = ["ImportReport", "interchange_import"]
