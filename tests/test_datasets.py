"""Sample datasets: reproducible, documented, typed, and strict about trainers' files."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from csworkbook import datasets
from csworkbook.datasets import DatasetError, load_dataset


def test_committed_files_equal_a_fresh_generation(repo, tmp_path):
    datasets.generate(tmp_path)
    fresh = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in (repo / "datasets").iterdir())
    assert fresh == committed
    stale = [n for n in fresh if (tmp_path / n).read_bytes() != (repo / "datasets" / n).read_bytes()]
    assert not stale, f"datasets/ is out of date for {stale}: run `csworkbook build`"


def test_generation_is_byte_identical_run_to_run(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    datasets.generate(a)
    datasets.generate(b)
    assert all((a / p.name).read_bytes() == p.read_bytes() for p in b.iterdir())


@pytest.mark.parametrize("name", datasets.list_datasets())
def test_every_dataset_loads_typed_and_sized(name):
    frame = load_dataset(name)
    schema = datasets.SCHEMAS[name]
    assert list(frame.columns) == [c.name for c in schema.columns]
    assert 40 <= len(frame) <= 5000
    for col in schema.columns:
        s = frame[col.name]
        if col.kind == "category":
            assert isinstance(s.dtype, pd.CategoricalDtype) and list(s.cat.categories) == list(col.allowed)
            assert s.notna().all()
        elif col.kind in ("date", "datetime"):
            assert pd.api.types.is_datetime64_any_dtype(s)
        elif col.kind == "int":
            assert pd.api.types.is_integer_dtype(s)
        elif col.kind == "float":
            assert pd.api.types.is_float_dtype(s)
        elif col.kind == "bool":
            assert pd.api.types.is_bool_dtype(s)
        if col.low is not None:
            assert s.dropna().min() >= col.low
        if col.high is not None:
            assert s.dropna().max() <= col.high
        if col.unique:
            assert s.is_unique


def test_required_datasets_exist():
    needed = {"survey_responses", "servqual", "complaints", "hotel_feedback", "call_intervals", "response_times",
              "mystery_shopper", "competitor_benchmark", "monthly_secondary", "social_mentions", "budget_lines"}
    assert needed <= set(datasets.list_datasets())
    servqual = load_dataset("servqual")
    assert sorted(servqual["item"].unique()) == list(range(1, 23))
    assert servqual.groupby("dimension", observed=True)["item"].nunique().to_dict() == {
        "tangibles": 4, "reliability": 5, "responsiveness": 4, "assurance": 4, "empathy": 5}


def test_the_data_dictionary_documents_every_column(repo):
    readme = (repo / "datasets" / "README.md").read_text()
    for name, ds in datasets.SCHEMAS.items():
        assert f"## {name}" in readme
        for col in ds.columns:
            assert f"| `{col.name}` | {col.kind} |" in readme, f"{name}.{col.name} undocumented"


def test_the_stories_learners_should_find_are_in_the_data():
    from csworkbook import metrics

    survey = load_dataset("survey_responses")
    by_branch = survey.groupby("branch", observed=True)["recommend"].apply(metrics.nps)
    assert by_branch.idxmin() == "Northgate"
    monthly = load_dataset("monthly_secondary")
    rate = monthly.assign(r=monthly.complaints / monthly.transactions)
    north = rate[rate.branch == "Northgate"].set_index("month")["r"]
    assert north["2025-07-01"] > 2 * north["2025-05-01"]


# -- trainer files -------------------------------------------------------------


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.fixture()
def survey_rows(repo):
    with (repo / "datasets" / "survey_responses.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))[:30]


def test_a_trainers_own_file_in_the_same_shape_loads(tmp_path, survey_rows):
    frame = load_dataset("survey_responses", path=_write(tmp_path / "ours.csv", survey_rows))
    assert len(frame) == 29 and isinstance(frame["channel"].dtype, pd.CategoricalDtype)


def test_yes_no_booleans_are_accepted(tmp_path, repo):
    with (repo / "datasets" / "mystery_shopper.csv").open(newline="") as f:
        rows = list(csv.reader(f))[:5]
    rows[1] = [{"True": "yes", "False": "No"}.get(v, v) for v in rows[1]]
    frame = load_dataset("mystery_shopper", path=_write(tmp_path / "v.csv", rows))
    assert frame["thanked_customer"].dtype == bool


@pytest.mark.parametrize(
    "column, value, expected",
    [
        ("csat", "9", r"column 'csat': '9' is above the maximum 5"),
        ("csat", "4.5", r"column 'csat': '4.5' is not a whole number"),
        ("csat", "", r"column 'csat': .*is empty"),
        ("channel", "fax", r"column 'channel': 'fax' is not one of the allowed values"),
        ("date", "03/04/2025", r"column 'date': '03/04/2025' is not a date \(YYYY-MM-DD\)"),
        ("response_id", "R00001", r"column 'response_id': 'R00001' appears more than once"),
    ],
)
def test_a_bad_value_names_file_column_and_first_bad_row(tmp_path, survey_rows, column, value, expected):
    index = survey_rows[0].index(column)
    survey_rows[6][index] = value  # data row 6, line 7 of the file
    survey_rows[9][index] = value
    path = _write(tmp_path / "export.csv", survey_rows)
    with pytest.raises(DatasetError) as err:
        load_dataset("survey_responses", path=path)
    text = str(err.value)
    assert str(path) in text
    # A duplicated id is first seen on row 1, whose id was copied into rows 6 and 9.
    first_row = 1 if column == "response_id" else 6
    assert f"first bad row is row {first_row} (line {first_row + 1})" in text, text
    assert re.search(expected, text), text


def test_missing_and_unexpected_columns_are_named(tmp_path, survey_rows):
    rows = [[v for i, v in enumerate(r) if i != 4] + ["x"] for r in survey_rows]
    rows[0][-1] = "notes"
    with pytest.raises(DatasetError, match=r"missing column\(s\): 'csat'; unexpected column\(s\): 'notes'"):
        load_dataset("survey_responses", path=_write(tmp_path / "e.csv", rows))


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        ("response_id,date\n".encode(), "missing column"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
        ('a,b\n1,"2\n'.encode(), "not a well-formed CSV"),
    ],
)
def test_unreadable_files_are_refused_clearly(tmp_path, content, message):
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    with pytest.raises(DatasetError, match=message) as err:
        load_dataset("survey_responses", path=path)
    assert str(path) in str(err.value)


def test_header_only_and_missing_file(tmp_path, survey_rows):
    with pytest.raises(DatasetError, match="no data rows"):
        load_dataset("survey_responses", path=_write(tmp_path / "h.csv", survey_rows[:1]))
    with pytest.raises(DatasetError, match="no such file"):
        load_dataset("survey_responses", path=tmp_path / "nope.csv")


def test_unknown_dataset_lists_the_choices():
    with pytest.raises(KeyError, match="survey_responses"):
        load_dataset("surveys")


def test_loads_from_any_working_directory(tmp_path):
    code = "from csworkbook import load_dataset; print(len(load_dataset('complaints')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(len(load_dataset("complaints")))


def test_an_installed_wheel_carries_the_data(repo, tmp_path):
    """Not only the editable install: a built wheel finds its datasets inside the package."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(repo)],
                   check=True, capture_output=True)
    wheel = next(wheels.glob("csworkbook-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    assert "csworkbook/_data/survey_responses.csv" in names
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(target)
    env = dict(os.environ, PYTHONPATH=str(target), PYTHONNOUSERSITE="1")
    code = ("import csworkbook, pathlib; from csworkbook.datasets import dataset_path, load_dataset;"
            "print(pathlib.Path(csworkbook.__file__).parent); print(dataset_path('servqual')); print(len(load_dataset('servqual')))")
    # -S -I would also hide the editable install; a plain interpreter with the wheel first on the path is what we want.
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    package_dir, data_file, rows = out.stdout.split("\n")[:3]
    assert package_dir.startswith(str(target))
    assert data_file.startswith(str(target))
    assert int(rows) == 3960


def test_line_numbers_count_comments_that_span_lines(tmp_path, survey_rows):
    comment = survey_rows[0].index("comment")
    survey_rows[2][comment] = "Great staff.\nWill come back.\nThanks!"  # row 2 takes three lines
    survey_rows[4][survey_rows[0].index("csat")] = "0"
    with pytest.raises(DatasetError, match=r"first bad row is row 4 \(line 7\), column 'csat': '0' is below the minimum 1"):
        load_dataset("survey_responses", path=_write(tmp_path / "multi.csv", survey_rows))


def test_the_facts_topic_07s_equivalent_mutants_rest_on(repo, tmp_path):
    """source/07-measuring-satisfaction/mutants.yaml excuses mutants by these properties of the data."""
    visits = load_dataset("mystery_shopper")
    checks = [c for c in visits.columns if visits[c].dtype == bool]
    assert len(checks) == 9 and not visits[checks].isna().any().any()  # same count per check: sum orders as mean
    bench = load_dataset("competitor_benchmark")
    per_row = bench.groupby(["quarter", "company", "measure"], observed=True).size()
    assert per_row.max() == 1  # one row per company, measure and quarter
    assert bench.groupby("measure", observed=True)["higher_is_better"].nunique().max() == 1
    companies = bench.groupby(["quarter", "measure"], observed=True)["company"].nunique()
    assert companies.min() == bench["company"].nunique() == 5  # every measure has a row for each company
    monthly = load_dataset("monthly_secondary")  # no month missing a count: mean/mean is sum/sum
    assert not monthly[["complaints", "transactions"]].isna().any().any()
    with (repo / "datasets" / "monthly_secondary.csv").open(newline="") as f:
        rows = list(csv.reader(f))
    rows[1][rows[0].index("complaints")] = ""  # and a file with a month missing a count is refused
    with pytest.raises(DatasetError, match="complaints"):
        load_dataset("monthly_secondary", path=_write(tmp_path / "m.csv", rows))


def test_numbers_without_bounds_say_any_number_not_any_text():
    for name, schema in datasets.SCHEMAS.items():
        for col in schema.columns:
            text = col.allowed_text()
            if col.kind in ("int", "float"):
                assert "any text" not in text, (name, col.name, text)
            if col.kind in ("int", "float") and col.low is None and col.high is None:
                assert "any" in text and "number" in text, (name, col.name, text)


@pytest.mark.parametrize("name", datasets.list_datasets())
def test_the_quick_check_returns_what_the_full_schema_check_returns(name, monkeypatch):
    # load_dataset skips pandera when every value plainly passes; the result must not change.
    quick = load_dataset(name)
    monkeypatch.setattr(datasets, "_quick_check", lambda frame, ds: None)
    pd.testing.assert_frame_equal(quick, load_dataset(name))


@pytest.mark.parametrize("value", ["3.0", "1e1", " 4", "", "6"])
def test_the_quick_check_leaves_doubtful_values_to_the_schema(value):
    ds = datasets.SCHEMAS["survey_responses"]
    raw = datasets._read_csv(datasets.dataset_path("survey_responses")).head(3).copy()
    raw.loc[1, "csat"] = value
    assert datasets._quick_check(raw.replace("", pd.NA), ds) is None
