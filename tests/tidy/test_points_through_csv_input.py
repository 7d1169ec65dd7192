"""The two points readers open their files through :mod:`crimestats.csv_input`.

``spatial.points_file`` (hotspots, forecasts: WGS84 points, exposure layers) and
``spatial.point_files`` (near-repeat: dated planar points, header optional) keep what
their columns mean; finding, decoding and parsing the file is the one reader's, so
they refuse a file as every small CSV file is refused and read gzip as it does.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from crimestats.csv_input import csv_records, read_csv_rows, stream_csv_rows
from crimestats.errors import FileRefusedError, NotFoundError, UsageError
from crimestats.spatial.point_files import read_dated_points
from crimestats.spatial.points_file import read_exposure_file, read_points_file

POINTS = "lon,lat,date\n-89.9,35.1,2024-01-02\n,35.2,2024-01-03\n-89.8,35.3,someday\n"


def test_a_gzipped_points_file_reads_as_the_plain_one(tmp_path: Path) -> None:
    plain, packed = tmp_path / "p.csv", tmp_path / "p.csv.gz"
    plain.write_text(POINTS, encoding="utf-8")
    packed.write_bytes(gzip.compress(POINTS.encode()))
    for path in (plain, packed):
        read = read_points_file(path, x="lon", y="lat", date_column="date")
        # by hand: 3 rows, one without a longitude, one with a date that is none
        assert (read.rows, read.without_point, read.without_date) == (3, 1, 1)
        assert read.lons.tolist() == [-89.9]
        assert read.dates is not None
        assert read.dates.tolist() == [np.datetime64("2024-01-02")]


def test_points_file_refusals_name_the_option(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match=r"^--points .*nothing\.csv: no such file"):
        read_points_file(tmp_path / "nothing.csv", x="lon", y="lat")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"lon,lat,place\n-89.9,35.1,Z\xf6e\n")
    with pytest.raises(FileRefusedError, match="byte 26 is not UTF-8") as refused:
        read_points_file(latin, x="lon", y="lat")
    assert (refused.value.code, refused.value.path) == ("file-not-utf8", f"--points {latin}")
    with pytest.raises(UsageError, match=r"has no column 'x'") as usage:
        read_points_file(_ok(tmp_path), x="x", y="lat")
    assert usage.value.hint == "its columns are: lon, lat, date"


def _ok(tmp_path: Path) -> Path:
    path = tmp_path / "ok.csv"
    path.write_text(POINTS, encoding="utf-8")
    return path


def test_an_exposure_row_is_named_by_its_line(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("longitude,latitude,pop\n-89.9,35.1,10\n-89.8,35.2,-1\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"^--exposure .*e\.csv, line 3: "):
        read_exposure_file(path, value="pop")


def test_dated_points_keep_their_counts_with_and_without_a_header(tmp_path: Path) -> None:
    with_header = tmp_path / "h.csv"
    with_header.write_text("x,y,date\n1,2,2024-01-01\n\n3,,2024-01-02\n5,6,2024/01/03\n")
    xs, ys, days, skipped = read_dated_points(with_header, "x", "y", "date")
    # by hand: the blank line and the row without y are skipped; days since 1970-01-01
    assert (xs.tolist(), ys.tolist(), skipped) == ([1.0, 5.0], [2.0, 6.0], 2)
    assert days.tolist() == [19723, 19725]
    bare = tmp_path / "n.csv"
    bare.write_text("1,2,2024-01-01\n3,4,someday\n")
    with pytest.raises(FileRefusedError, match="line 2: ") as refused:
        read_dated_points(bare, "1", "2", "3", header=False)
    assert refused.value.code == "point-value-bad"


def test_the_stream_gives_the_rows_the_whole_read_gives(tmp_path: Path) -> None:
    path = _ok(tmp_path)
    stream = stream_csv_rows(path, option="--points")
    assert stream.named == f"--points {path}"
    assert (stream.header, tuple(stream.rows)) == (
        read_csv_rows(path).header,
        read_csv_rows(path).rows,
    )
    assert [line for line, _ in csv_records(path)] == [1, 2, 3, 4]


def test_a_second_layer_is_named_by_its_own_option(tmp_path: Path) -> None:
    """``forecast-audit --truth`` reads its layer with these readers: messages name it."""
    latin = tmp_path / "truth.csv"
    latin.write_bytes(b"longitude,latitude,w\n-89.9,35.1,\xff\n")
    with pytest.raises(FileRefusedError) as refused:
        read_points_file(latin, x="longitude", y="latitude", option="--truth")
    assert refused.value.path == f"--truth {latin}"
    with pytest.raises(FileRefusedError) as refused:
        read_exposure_file(latin, value="w", option="--truth")
    assert refused.value.path == f"--truth {latin}"
