"""ICCS v1.0 as data and tools: the classification, correspondence tables, the autocoder.

The International Classification of Crime for Statistical Purposes (UNODC, 2015) is the
common language of international crime statistics. This package ships it as data
(``classification``, ``reference``), maps national codes to it (``correspondence``),
codes free text to it (``autocoder``) and says how well (``evaluation``).

Nothing here imports a database, web or CLI library; scikit-learn is imported only when
an autocoder is fitted.
"""

from crimestats.iccs.autocoder import Autocoder
from crimestats.iccs.classification import (
    Classification,
    IccsCode,
    code_level,
    load_classification,
    truncate,
)
from crimestats.iccs.coding_files import CodedFile, code_file, evaluate_file
from crimestats.iccs.codings import Candidate, Coding
from crimestats.iccs.correspondence import (
    CorrespondenceEntry,
    CorrespondenceTable,
    ReviewAnswer,
    bundled_sources,
    load_bundled,
    merge_review_answers,
    read_table,
    write_table,
)
from crimestats.iccs.evaluation import (
    Report,
    Scored,
    coverage_curve,
    leave_one_source_out,
    summarise,
)
from crimestats.iccs.reference import (
    IndexEntry,
    TagValue,
    alphabetical_index,
    disaggregating_variables,
    homicide_typology,
)
from crimestats.iccs.search import Hit, search
from crimestats.iccs.text import normalise

__all__ = [
    "Autocoder",
    "Candidate",
    "Classification",
    "CodedFile",
    "Coding",
    "CorrespondenceEntry",
    "CorrespondenceTable",
    "Hit",
    "IccsCode",
    "IndexEntry",
    "Report",
    "ReviewAnswer",
    "Scored",
    "TagValue",
    "alphabetical_index",
    "bundled_sources",
    "code_file",
    "code_level",
    "coverage_curve",
    "disaggregating_variables",
    "evaluate_file",
    "homicide_typology",
    "leave_one_source_out",
    "load_bundled",
    "load_classification",
    "merge_review_answers",
    "normalise",
    "read_table",
    "search",
    "summarise",
    "truncate",
    "write_table",
]
