"""The sample datasets: their schemas, a validating loader, and the generator.

``load_dataset("survey_responses")`` returns the shipped sample as a typed
DataFrame (dates parsed, fixed-choice columns as categoricals).
``load_dataset("survey_responses", path="our_export.csv")`` loads a trainer's
own file in the same shape, after checking it against the same schema; a file
that does not fit raises ``DatasetError`` naming the file, the column and the
first bad row, and nothing is returned.

The schemas here are the single source of truth: the data dictionary in
``datasets/README.md`` is written from them by ``generate()``.
"""

from __future__ import annotations

import html
import io
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from . import sample_data

__all__ = ["load_dataset", "list_datasets", "describe", "generate", "DatasetError", "SCHEMAS", "SEED"]

SEED = 20250701  # change it and every sample file changes; the sync test will say so


class DatasetError(ValueError):
    """A data file does not match its dataset's schema."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | int | float | date | datetime | category | bool
    description: str
    allowed: tuple = ()  # the choices of a category column, in display order
    low: float | None = None
    high: float | None = None
    nullable: bool = False
    unique: bool = False

    def allowed_text(self) -> str:
        if self.kind == "category":
            return ", ".join(f"`{a}`" for a in self.allowed)
        if self.kind == "bool":
            return "`True`, `False`"
        parts = []
        if self.low is not None and self.high is not None:
            parts.append(f"{self.low:g} to {self.high:g}")
        elif self.low is not None:
            parts.append(f">= {self.low:g}")
        elif self.high is not None:
            parts.append(f"<= {self.high:g}")
        elif self.kind in ("int", "float"):
            parts.append("any whole number" if self.kind == "int" else "any number")
        if self.kind == "date":
            parts.append("YYYY-MM-DD")
        if self.kind == "datetime":
            parts.append("YYYY-MM-DD HH:MM")
        if self.unique:
            parts.append("unique")
        if self.nullable:
            parts.append("may be empty")
        return "; ".join(parts) or "any text"


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    make: object = field(repr=False)  # generator: rng -> DataFrame

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


def _cat(name, description, allowed, **kw):
    return Column(name, "category", description, allowed=tuple(allowed), **kw)


_B = tuple(sample_data.BRANCHES)

SCHEMAS: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset(
            "survey_responses",
            "Customer satisfaction survey responses",
            "One row per completed post-interaction survey at Harbour Home Supplies in 2025.",
            (
                Column("response_id", "text", "Survey response identifier", unique=True),
                Column("date", "date", "Date the survey was completed"),
                _cat("branch", "Branch that served the customer", _B),
                _cat("channel", "How the customer was served", sample_data.CHANNELS),
                Column("csat", "int", "Overall satisfaction, 1 = very dissatisfied, 5 = very satisfied", low=1, high=5),
                Column("recommend", "int", "Likelihood to recommend us to a friend, 0 = not at all, 10 = extremely", low=0, high=10),
                Column("effort", "int", "Agreement that we made it easy to get the issue handled, 1 = strongly disagree, 7 = strongly agree", low=1, high=7),
                Column("comment", "text", "Free-text comment; empty when the customer wrote none", nullable=True),
            ),
            sample_data.survey_responses,
        ),
        Dataset(
            "servqual",
            "SERVQUAL expectations and perceptions",
            "One row per respondent and SERVQUAL item: what the customer expects of an excellent homewares retailer, and what they perceive Harbour Home delivers.",
            (
                Column("respondent_id", "text", "Respondent identifier (22 rows each)"),
                Column("item", "int", "SERVQUAL item number", low=1, high=22),
                _cat("dimension", "SERVQUAL dimension of the item", ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]),
                Column("statement", "text", "The statement the customer rated"),
                Column("expectation", "int", "Expectation of an excellent company, 1 = strongly disagree, 7 = strongly agree", low=1, high=7),
                Column("perception", "int", "Perception of Harbour Home, same scale", low=1, high=7),
            ),
            sample_data.servqual,
        ),
        Dataset(
            "complaints",
            "Complaints log",
            "One row per complaint received in 2025, with who made it, who it was about, and how it ended.",
            (
                Column("complaint_id", "text", "Complaint reference", unique=True),
                Column("received", "date", "Date the complaint was received and logged"),
                Column("resolved", "date", "Date the complaint was closed; empty while it is still open", nullable=True),
                _cat("channel", "How the complaint arrived", sample_data.COMPLAINT_CHANNELS),
                _cat("branch", "Branch the complaint concerns", _B),
                _cat("category", "What the complaint is about", sample_data.COMPLAINT_CATEGORIES),
                _cat("complainant", "Who complained: an external customer (member of public or corporate client) or an internal one (colleague)", sample_data.COMPLAINANTS),
                _cat("directed_at", "The person, team or outsourced service the complaint is about", sample_data.DIRECTED_AT),
                _cat("severity", "Impact on the customer", sample_data.SEVERITIES),
                _cat("outcome", "How it was resolved; `open` while unresolved, `escalated` when referred to a manager or an ombudsman", sample_data.OUTCOMES),
                Column("refund_amount", "float", "Money refunded in dollars; 0 when no refund was given", low=0),
            ),
            sample_data.complaints,
        ),
        Dataset(
            "hotel_feedback",
            "Seaview Hotel guest feedback",
            "One row per guest comment card, with the department the guest services team filed it under.",
            (
                Column("feedback_id", "text", "Comment card identifier", unique=True),
                Column("date", "date", "Date of the comment"),
                Column("comment", "text", "What the guest wrote"),
                Column("rating", "int", "Guest's overall rating, 1 to 5 stars", low=1, high=5),
                _cat("department", "Department responsible", ["catering", "housekeeping", "front desk"]),
            ),
            sample_data.hotel_feedback,
        ),
        Dataset(
            "call_intervals",
            "Contact-centre half-hour intervals",
            "One row per half hour the contact centre was open, September 2025 (closed Sundays).",
            (
                Column("interval_start", "datetime", "Start of the half-hour interval", unique=True),
                Column("offered", "int", "Calls that reached the queue", low=0),
                Column("answered", "int", "Calls answered by an agent", low=0),
                Column("abandoned", "int", "Callers who hung up before an answer", low=0),
                Column("answered_within_target", "int", "Calls answered within the target time", low=0),
                Column("target_seconds", "int", "Service-level target, in seconds to answer", low=1),
                Column("avg_handle_seconds", "float", "Average handle time (talk, hold and wrap-up), seconds", low=0),
                Column("agents_staffed", "int", "Agents logged in and taking calls", low=0),
            ),
            sample_data.call_intervals,
        ),
        Dataset(
            "response_times",
            "Email and voicemail response times",
            "One row per customer email or voicemail, October and November 2025.",
            (
                Column("message_id", "text", "Message identifier", unique=True),
                _cat("channel", "Email or voicemail", ["email", "voicemail"]),
                _cat("team", "Team that owned the reply", ["customer care", "deliveries", "accounts"]),
                Column("received", "datetime", "When the message arrived"),
                Column("responded", "datetime", "When the first reply was sent; empty if never answered", nullable=True),
            ),
            sample_data.response_times,
        ),
        Dataset(
            "mystery_shopper",
            "Mystery-shopper visit checklists",
            "One row per mystery-shopper visit in 2025; each check column says whether the standard was met.",
            (
                Column("visit_id", "text", "Visit identifier", unique=True),
                Column("date", "date", "Date of the visit"),
                _cat("branch", "Branch visited", _B),
                Column("shopper", "text", "Mystery shopper code"),
                *(
                    Column(check, "bool", text)
                    for check, text in [
                        ("greeted_within_30s", "Greeted within 30 seconds of entering"),
                        ("staff_identified", "Staff member gave their name or wore a name badge"),
                        ("asked_about_needs", "Asked open questions about what the shopper needed"),
                        ("product_knowledge", "Answered product questions correctly"),
                        ("offered_alternatives", "Offered an alternative when the item was unsuitable"),
                        ("explained_returns_policy", "Explained the returns policy at the sale"),
                        ("thanked_customer", "Thanked the shopper"),
                        ("store_tidy", "Shop floor clean and tidy"),
                        ("served_within_5_minutes", "Served within five minutes at the counter"),
                    ]
                ),
                Column("overall_impression", "int", "Shopper's overall impression, 1 to 10", low=1, high=10),
            ),
            sample_data.mystery_shopper,
        ),
        Dataset(
            "competitor_benchmark",
            "Competitor benchmark scores",
            "One row per quarter, company and measure, from an industry benchmarking service.",
            (
                Column("quarter", "text", "Quarter, as YYYY-Qn"),
                _cat("company", "Company measured (Harbour Home Supplies is us)", sample_data.COMPANIES),
                _cat("measure", "What was measured", list(sample_data.BENCHMARK_MEASURES)),
                Column("value", "float", "The measure's value for that company and quarter"),
                Column("higher_is_better", "bool", "True when a higher value is better for customers"),
            ),
            sample_data.competitor_benchmark,
        ),
        Dataset(
            "monthly_secondary",
            "Monthly secondary data by branch",
            "Figures collected for other purposes (sales, finance, HR) that also tell a service story; one row per branch and month, 2021 to 2025.",
            (
                Column("month", "date", "First day of the month"),
                _cat("branch", "Branch", _B),
                Column("transactions", "int", "Sales transactions", low=0),
                Column("net_sales", "float", "Net sales in dollars", low=0),
                Column("returns", "int", "Items returned", low=0),
                Column("refunds_value", "float", "Value refunded in dollars", low=0),
                Column("cancellations", "int", "Orders or services cancelled", low=0),
                Column("complaints", "int", "Complaints received", low=0),
                Column("staff_turnover_percent", "float", "Staff who left that month, percent of headcount", low=0, high=100),
                Column("absence_days", "int", "Staff days lost to unplanned absence", low=0),
                Column("active_customers", "int", "Customers with an account active in the last 12 months", low=0),
            ),
            sample_data.monthly_secondary,
        ),
        Dataset(
            "social_mentions",
            "Social media mentions",
            "One row per public post that mentions Harbour Home, June to December 2025.",
            (
                Column("mention_id", "text", "Mention identifier", unique=True),
                Column("posted", "datetime", "When it was posted"),
                _cat("platform", "Where it was posted", sample_data.PLATFORMS),
                Column("text", "text", "The post"),
                Column("likes", "int", "Likes or reactions when collected", low=0),
            ),
            sample_data.social_mentions,
        ),
        Dataset(
            "audit_checklist",
            "Service audit checklist",
            "One row per audit and checklist item: Harbour Home's internal customer service audits of 2025. "
            "Sites were audited a different number of times, and the contact centre skips the items about a shop floor.",
            (
                Column("audit_id", "text", "Audit identifier (one audit of one site on one day)"),
                Column("date", "date", "Date of the audit"),
                _cat("site", "Site audited", sample_data.AUDIT_SITES),
                _cat("area", "What the item audits", sample_data.AUDIT_AREAS),
                Column("item", "text", "The checklist item"),
                Column("passed", "bool", "True when the site met the item on the day"),
            ),
            sample_data.audit_checklist,
        ),
        Dataset(
            "budget_lines",
            "Service strategy budget lines",
            "One row per budget line and month for the 2026 service strategies; capital items are bought once, in January.",
            (
                Column("strategy", "text", "Service strategy the line belongs to"),
                Column("line_item", "text", "What the money is for"),
                _cat("category", "Type of cost", ["staff", "training", "technology", "marketing", "facilities", "consultancy"]),
                _cat("budget_type", "Operating (recurring) or capital (one-off asset)", ["operating", "capital"]),
                Column("month", "date", "First day of the budget month"),
                Column("planned", "float", "Budgeted dollars", low=0),
                Column("actual", "float", "Dollars spent; empty until the month has closed (known January to June)", low=0, nullable=True),
            ),
            sample_data.budget_lines,
        ),
        Dataset(
            "needs_survey",
            "Customer needs survey",
            "One row per respondent and kind of need: a 2025 survey of household, trade and corporate customers "
            "asking how important each need is to them and how satisfied they are with Harbour Home on it.",
            (
                Column("respondent_id", "text", "Respondent identifier (7 rows each, one per kind of need)"),
                _cat("segment", "Customer segment: household shoppers, trade (builders and tradespeople) or corporate accounts",
                     sample_data.NEED_SEGMENTS),
                _cat("attribute", "The kind of need rated", sample_data.NEED_ATTRIBUTES),
                Column("importance", "int", "How important this need is to the respondent, 1 = not at all, 5 = essential", low=1, high=5),
                Column("satisfaction", "int", "How satisfied they are with Harbour Home on it, 1 = very dissatisfied, 5 = very satisfied", low=1, high=5),
            ),
            sample_data.needs_survey,
        ),
    ]
}


def list_datasets() -> list[str]:
    """Names accepted by ``load_dataset``."""
    return list(SCHEMAS)


def _schema(name: str) -> Dataset:
    try:
        return SCHEMAS[name]
    except KeyError:
        raise KeyError(f"no dataset called {name!r}; choose one of: {', '.join(SCHEMAS)}") from None


class DataDictionary(pd.DataFrame):
    """A dataset's data dictionary: a DataFrame that shows every meaning in full.

    pandas cuts each cell at ``display.max_colwidth`` (50 characters), which hid the end of most
    meanings; this table wraps long text instead and shows `code` as code."""

    @property
    def _constructor(self):
        return DataDictionary

    def _repr_html_(self) -> str:
        from .checks.core import inline_markdown

        cell = 'style="text-align:left;vertical-align:top;white-space:normal;padding:4px 8px"'
        head = "".join(f"<th {cell}>{html.escape(str(h))}</th>" for h in [self.index.name or "", *self.columns])
        rows = []
        for label, values in self.iterrows():
            tds = "".join(f"<td {cell}>{inline_markdown(str(v))}</td>" for v in values)
            rows.append(f"<tr><th {cell}><code>{html.escape(str(label))}</code></th>{tds}</tr>")
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"

    def __repr__(self) -> str:
        return self.to_string(max_colwidth=None)


def describe(name: str) -> DataDictionary:
    """The data dictionary of one dataset, as a table (every meaning in full)."""
    ds = _schema(name)
    return DataDictionary(
        [(c.name, c.kind, c.description, c.allowed_text()) for c in ds.columns],
        columns=["column", "type", "meaning", "allowed values"],
    ).set_index("column")


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def _shipped_dir() -> Path:
    """Where the sample CSVs are: inside an installed wheel, or the repository's datasets/."""
    packaged = resources.files("csworkbook") / "_data"
    if packaged.is_dir():
        return Path(str(packaged))
    repo = Path(__file__).resolve().parents[2] / "datasets"
    if repo.is_dir():
        return repo
    raise FileNotFoundError(
        "the sample datasets are missing: neither csworkbook/_data nor the repository's datasets/ "
        "folder exists. Run `csworkbook build` in the repository to regenerate them."
    )


def dataset_path(name: str) -> Path:
    return _shipped_dir() / _schema(name).filename


def load_dataset(name: str, path: str | Path | None = None) -> pd.DataFrame:
    """Load a dataset as a typed DataFrame.

    Without ``path``, the shipped sample. With ``path``, your own CSV with the
    same columns, checked against the same schema first; see ``describe(name)``
    or ``datasets/README.md`` for what each column must hold.
    """
    ds = _schema(name)
    file = Path(path) if path is not None else dataset_path(name)
    try:
        stat = file.stat()
    except OSError:
        stat = None
    if stat is None:
        return _load(name, file)
    # A lesson, its checks and the grader's own test run load the same files again and again:
    # each file is read and checked once per version (its time and size), and every caller
    # gets a copy of its own to change as it likes.
    return _load_cached(name, str(file), stat.st_mtime_ns, stat.st_size).copy(deep=True)


def _load(name: str, file: Path) -> pd.DataFrame:
    ds = _schema(name)
    raw = _read_csv(file)
    checked = _validate(raw, ds, file)
    return _typed(checked, ds)


@lru_cache(maxsize=32)
def _load_cached(name: str, file: str, mtime_ns: int, size: int) -> pd.DataFrame:
    return _load(name, Path(file))


def _read_csv(file: Path) -> pd.DataFrame:
    if not file.is_file():
        raise DatasetError(f"{file}: no such file")
    try:
        # Read everything as text first so that the checks see exactly what the file says.
        return pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{file}: not UTF-8 text (byte {exc.start}); save the file as CSV UTF-8") from None
    except pd.errors.EmptyDataError:
        raise DatasetError(f"{file}: the file is empty; expected a header row and data") from None
    except pd.errors.ParserError as exc:
        raise DatasetError(f"{file}: not a well-formed CSV file: {exc}") from None


_BOOL_TEXT = {"true": True, "false": False, "yes": True, "no": False}


def _pandera_schema(ds: Dataset):
    import pandera.pandas as pa  # imported on first use: it adds most of a second to start-up

    columns = {}
    for c in ds.columns:
        checks = []
        dtype = {"text": str, "category": str, "int": "Int64", "float": "Float64",
                 "date": "datetime64[ns]", "datetime": "datetime64[ns]", "bool": str}[c.kind]
        if c.kind == "category":
            checks.append(pa.Check.isin(list(c.allowed)))
        if c.kind == "bool":
            checks.append(pa.Check(lambda s: s.str.strip().str.lower().isin(list(_BOOL_TEXT))))
        if c.low is not None:
            checks.append(pa.Check.ge(c.low))
        if c.high is not None:
            checks.append(pa.Check.le(c.high))
        if c.kind in ("date", "datetime"):
            fmt = r"\d{4}-\d{2}-\d{2}" + (r" \d{2}:\d{2}(:\d{2})?" if c.kind == "datetime" else "")
            checks.append(pa.Check.str_matches(f"^{fmt}$"))
            dtype = str  # parsed after the format check, so 03/04/2025 is refused, not guessed
        columns[c.name] = pa.Column(
            dtype, checks=checks, nullable=c.nullable, unique=c.unique, coerce=c.kind in ("int", "float"),
        )
    return pa.DataFrameSchema(columns, strict=True, ordered=False)


def _describe_failure(col: Column | None, check: str, value) -> str:
    if check == "not_nullable":
        return "is empty but this column must have a value"
    if check.startswith("coerce_dtype") or check.startswith("dtype"):
        return f"{value!r} is not a {'whole number' if col and col.kind == 'int' else 'number'}"
    if check.startswith("isin"):
        return f"{value!r} is not one of the allowed values ({', '.join(col.allowed)})"
    if check.startswith("greater_than_or_equal_to"):
        return f"{value!r} is below the minimum {col.low:g}"
    if check.startswith("less_than_or_equal_to"):
        return f"{value!r} is above the maximum {col.high:g}"
    if check.startswith("str_matches"):
        return f"{value!r} is not a {'date (YYYY-MM-DD)' if col.kind == 'date' else 'date and time (YYYY-MM-DD HH:MM)'}"
    if check.startswith("<lambda>") and col is not None and col.kind == "bool":
        return f"{value!r} is not True or False (yes/no also accepted)"
    if check == "field_uniqueness":
        return f"{value!r} appears more than once but must be unique"
    return f"{value!r} fails the check {check}"


def _validate(raw: pd.DataFrame, ds: Dataset, file: Path) -> pd.DataFrame:
    expected = [c.name for c in ds.columns]
    missing = [c for c in expected if c not in raw.columns]
    unknown = [c for c in raw.columns if c not in expected]
    header = f"{file}: does not match the {ds.name!r} dataset"
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing column(s): {', '.join(repr(c) for c in missing)}")
        if unknown:
            parts.append(f"unexpected column(s): {', '.join(repr(c) for c in unknown)}")
        raise DatasetError(f"{header}: {'; '.join(parts)}. Expected columns: {', '.join(expected)}")
    if raw.empty:
        raise DatasetError(f"{header}: the file has a header row but no data rows")
    frame = raw.replace("", pd.NA)
    text_cols = [c.name for c in ds.columns if c.kind == "text" and c.nullable]
    frame[text_cols] = raw[text_cols]  # an empty comment is an empty comment, not missing
    quick = _quick_check(frame, ds)
    if quick is not None:
        return quick
    import pandera.pandas as pa

    try:
        return _pandera_schema(ds).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna()].copy()
        by_name = {c.name: c for c in ds.columns}
        if cases.empty:  # a schema-level fault with no row to point at
            raise DatasetError(f"{header}: {exc.args[0]}") from None
        cases["row"] = cases["index"].astype(int)
        cases = cases.sort_values(["row"], kind="stable").drop_duplicates(["row", "column"])
        lines = _record_lines(file)

        def where(r) -> str:
            value = raw.at[r["row"], r["column"]]
            reason = _describe_failure(by_name.get(r["column"]), str(r["check"]), value)
            return f"row {r['row'] + 1} (line {lines[r['row']]}), column {r['column']!r}: {reason}"

        first = cases.iloc[0]
        more = f"\n  ... and {len(cases) - 5} more" if len(cases) > 5 else ""
        raise DatasetError(
            f"{header}: first bad row is {where(first)}\n  "
            + "\n  ".join(where(r) for _, r in cases.head(5).iterrows()) + more
        ) from None


_INT_TEXT = r"[+-]?\d+"
_FLOAT_TEXT = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"


def _quick_check(frame: pd.DataFrame, ds: Dataset) -> pd.DataFrame | None:
    """The frame as pandera's schema would return it, when every value plainly passes; else None.

    pandera's import and validation cost about half a second, paid by every notebook
    that loads data. This check is stricter than the schema (numbers must be plain
    decimals, dates exactly the format), so what it accepts the schema accepts too
    (a test checks both give the same frame); anything it doubts goes to pandera, which
    finds and names the fault.
    """
    out = frame.copy()
    for c in ds.columns:
        s = frame[c.name]
        missing = s.isna()
        if missing.any() and not c.nullable:
            return None
        present = s[~missing].astype(str)
        if c.unique and s.duplicated().any():
            return None
        if c.kind == "category" and not present.isin(list(c.allowed)).all():
            return None
        if c.kind == "bool" and not present.str.strip().str.lower().isin(list(_BOOL_TEXT)).all():
            return None
        if c.kind in ("date", "datetime"):
            fmt = r"\d{4}-\d{2}-\d{2}" + (r" \d{2}:\d{2}(:\d{2})?" if c.kind == "datetime" else "")
            if not present.str.fullmatch(fmt).all():
                return None
        if c.kind in ("int", "float"):
            if not present.str.fullmatch(_INT_TEXT if c.kind == "int" else _FLOAT_TEXT).all():
                return None
            numbers = pd.to_numeric(s, errors="coerce").astype("Int64" if c.kind == "int" else "Float64")
            if (c.low is not None and (numbers < c.low).any()) or (c.high is not None and (numbers > c.high).any()):
                return None
            out[c.name] = numbers
    return out


def _record_lines(file: Path) -> list[int]:
    """The line of the file on which each data row starts (a quoted field may span lines)."""
    import csv

    starts = []
    with open(file, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        previous = reader.line_num
        for _ in reader:
            starts.append(previous + 1)
            previous = reader.line_num
    return starts


def _typed(frame: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for c in ds.columns:
        s = frame[c.name].reset_index(drop=True)
        if c.kind == "text":
            out[c.name] = s.fillna("").astype(str) if c.nullable else s.astype(str)
        elif c.kind == "category":
            out[c.name] = pd.Categorical(s, categories=list(c.allowed))
        elif c.kind == "int":
            out[c.name] = s.astype("Int64") if c.nullable else s.astype("int64")
        elif c.kind == "float":
            out[c.name] = s.astype("float64")
        elif c.kind in ("date", "datetime"):
            out[c.name] = pd.to_datetime(s, format="ISO8601")
        elif c.kind == "bool":
            out[c.name] = s.str.strip().str.lower().map(_BOOL_TEXT).astype(bool)
    return out


# ---------------------------------------------------------------------------
# Generating the sample files
# ---------------------------------------------------------------------------


def _rng(name: str) -> np.random.Generator:
    # A stream per dataset, so that changing one generator leaves the others' files alone.
    return np.random.default_rng([SEED, zlib.crc32(name.encode())])


def render(name: str) -> str:
    """The CSV text of one sample dataset, exactly as ``generate`` writes it."""
    ds = _schema(name)
    frame = ds.make(_rng(name))
    if list(frame.columns) != [c.name for c in ds.columns]:
        raise RuntimeError(f"generator for {name} made columns {list(frame.columns)}; the schema lists {[c.name for c in ds.columns]}")
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n", float_format="%.2f")
    return buf.getvalue()


def render_dictionary(texts: dict[str, str] | None = None) -> str:
    """The text of datasets/README.md, written from the schemas (``texts``: CSVs already rendered)."""
    lines = [
        "# Sample datasets",
        "",
        "Generated by `csworkbook build` from `src/csworkbook/sample_data.py` (seed "
        f"{SEED}); do not edit these files by hand. The sample organisation is Harbour Home "
        "Supplies, a homewares retailer with four branches, a contact centre and home delivery; "
        "the hotel comments come from its sister business, the Seaview Hotel. All people and "
        "companies are fictional.",
        "",
        "Load any of them with `csworkbook.load_dataset(name)`. To use your own organisation's "
        "export instead, save it as CSV (UTF-8) with the same column names and pass "
        "`path=`: it is checked against the same rules, and a file that breaks one is refused "
        "with the file, the column and the first bad row named.",
        "",
        "Dates are `YYYY-MM-DD`, date-times `YYYY-MM-DD HH:MM`, booleans `True`/`False` "
        "(`yes`/`no` also accepted), and an empty cell means no value.",
        "",
        "| dataset | rows | what it holds |",
        "|---|---|---|",
    ]
    texts = texts or {name: render(name) for name in SCHEMAS}
    for name, ds in SCHEMAS.items():
        rows = texts[name].count("\n") - 1
        lines.append(f"| [`{name}`](#{name}) | {rows} | {ds.title} |")
    for name, ds in SCHEMAS.items():
        lines += ["", f"## {name}", "", f"`{ds.filename}`: {ds.description}", "",
                  "| column | type | meaning | allowed values |", "|---|---|---|---|"]
        for c in ds.columns:
            lines.append(f"| `{c.name}` | {c.kind} | {c.description} | {c.allowed_text()} |")
    return "\n".join(lines) + "\n"


def generate(folder: str | Path | None = None, progress: bool = False) -> list[Path]:
    """Write every sample CSV and the data dictionary into ``folder``.

    The default folder is the repository's ``datasets/``. The same seed gives
    byte-identical files on every run.
    """
    target = Path(folder) if folder is not None else Path(__file__).resolve().parents[2] / "datasets"
    target.mkdir(parents=True, exist_ok=True)
    names = list(SCHEMAS)
    if progress:
        from tqdm.auto import tqdm

        names = tqdm(names, desc="sample datasets", unit="file")
    written, texts = [], {}
    for name in names:
        texts[name] = render(name)
        out = target / SCHEMAS[name].filename
        out.write_text(texts[name], encoding="utf-8", newline="\n")
        written.append(out)
    readme = target / "README.md"
    readme.write_text(render_dictionary(texts), encoding="utf-8", newline="\n")
    written.append(readme)
    return written
