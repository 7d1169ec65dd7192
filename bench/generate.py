"""A seeded synthetic *national* incident workload in the flat v1 layout (DESIGN.md s. 3, 9).

``python bench/generate.py OUT --rows N --seed S`` writes ``OUT`` as CSV (``.csv``), gzipped
CSV (``.csv.gz``) or Parquet (``.parquet``), plus ``OUT.manifest.json`` with the counts the
generator injected (incidents, bad rows by kind, duplicates). The same rows, seed, chunk size
and vocabulary give a byte-identical file (numpy ``default_rng``, polars, 500k-row chunks).

Distributions
-------------
Shape of the file
    One row per offence. Offences per incident are ``1 + Poisson(0.2)`` (mean ~1.2, 82% of
    incidents have one); every row of an incident repeats its incident-level fields and
    carries ``offence_seq`` 1, 2, ... Rows are in reported-date order.
Dates
    ``reported_date`` spans the decade 2015-01-01 .. 2024-12-31. Daily intensity = a gentle
    trend (-1%/year) x season (+-15%, peak mid-July) x weekday (Monday 1.08 .. Sunday 0.86)
    x holidays (1 Jan +25%, 25 Dec -25%) x a lockdown dip (2020-03-20 .. 05-31, -25%); each
    incident's day is a multinomial draw over those weights. A report hour follows office
    hours. ``occurred_start`` = report time minus a lag from a mixture: 55% lognormal with
    median 90 min, 35% median 1.5 days, 7% median 20 days, 3% uniform 90-1500 days (historic
    offences); lags over a day get a time of day from a crime clock (evening peak, 4-6 am
    trough, spikes at midnight and noon). Minutes are rounded to :00 (30%) or :30 (15%);
    6% give a date only and 4% are blank. ``occurred_end`` is on 45% of rows, after the start
    and no later than the report. Dates are ISO text (``YYYY-MM-DD``, ``YYYY-MM-DDTHH:MM:SS``),
    also in Parquet, so that bad values can be carried. ``incident_id`` = ``YYYY-NNNNNNNN``.
Offences
    ``national_code`` / ``national_label`` / ``description`` come from the distinct
    (IUCR, Primary Type, Description) triples of the Chicago 2014 sample in
    ``shared/data/incidents_chicago_2014_sample`` (199 entries, weighted by their observed
    counts: heavy-tailed, the top 5 cover a third of rows), or, where that folder is absent,
    from a built-in list of 60 generic offences with Zipf-like weights. Each is blank on 1-2%
    of rows. ``iccs_code`` is blank (the source does not code to ICCS). ``attempted``: true
    where the description says ATTEMPT, else false 88% / true 3% / unknown 9%, blank 10%.
Incident facts
    ``weapon`` from the first offence: the weapon its description names (95%), else by
    offence category (violence: none 45%, other 12%, knife 6%, firearm 5%, unknown 32%).
    ``cyber_related``: fraud 35% true, otherwise 0.5%; 10% blank. ``narrative`` on 25% of
    incidents, built from templates with commas, quotes and (1% of them) a line break.
Victims and suspects
    Present by offence category (violence ~97% victims, property 65%, drugs 5%; suspects
    from 40% for property to 95% for drugs): about 67% and 57% of rows. Victim type person,
    else legal entity (property, fraud), society or state; only person victims carry sex,
    age, citizenship, relationship and injury. Sex male 52% / female 44% (78% female for
    domestic, 85% for sexual offences); age 10 + Gamma(2.2, 11) with 6% children 0-17,
    capped at 99, 8% blank; relationship for domestic offences (the share observed per
    offence) intimate partner 60% (victims 16+) else family, otherwise stranger 45%,
    acquaintance 25%, unknown 26%, 10% blank; injury by category (homicide 95% fatal).
    A later offence of an incident concerns the first offence's victim 70% of the time and
    repeats it exactly (victim_seq 1); otherwise it has its own victim (victim_seq =
    offence_seq). One suspect per incident (suspect_seq 1, repeated on every row): male 76%,
    age 12 + Gamma(2, 11) with 15% blank, ``suspect_person_ref`` from a pool where 0.1% of
    people are 10% of suspects. Citizenship: 92% home (POL), 6% a neighbour or migrant
    origin, 2% blank.
Elsewhere
    Places: ``places.py``. Bad rows (0.5%) and duplicates (0.1%): ``bad_rows.py``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from bad_rows import BAD_KINDS, DUP_SHARE, inject_bad
from crimestats.domain.flat_layout import FLAT_V1, FieldType, field_names
from places import (
    CALENDAR_START,
    FIRST_DAY,
    LAST_DAY,
    LAT_BOX,
    LON_BOX,
    OCCUR_HOURS,
    REPORT_HOURS,
    day_weights,
    make_geography,
)
from vocabulary import (
    INJURIES,
    NARRATIVE,
    RELATIONSHIPS,
    SEXES,
    TRI,
    VICTIM_TYPES,
    WEAPONS,
    D,
    F,
    P,
    R,
    S,
    V,
    Vocabulary,
    W,
    load_vocabulary,
)

DEFAULT_ROWS = 10_000_000
DEFAULT_SEED = 20261123
CHUNK_ROWS = 500_000

HOME, FOREIGN = "POL", ("UKR", "BLR", "DEU", "ROU", "GEO", "VNM", "IND", "LTU", "CZE", "RUS")
COUNTRIES = (HOME, *FOREIGN)
_DTYPES = {FieldType.INTEGER: pl.Int32, FieldType.DECIMAL: pl.Float64}
SCHEMA = {f.name: _DTYPES.get(f.type, pl.String) for f in FLAT_V1}


def _pick(values: Sequence[str], idx: np.ndarray, null: np.ndarray | None = None) -> pl.Series:
    """Strings ``values[idx]`` as a polars column; null where ``null`` is true."""
    vocab = pl.Series([*values, None], dtype=pl.String)
    if null is not None:
        idx = np.where(null, len(values), idx)
    return vocab.gather(idx)


def _eval(expr: pl.Expr) -> pl.Series:
    """Evaluate an expression over Series (``pl.concat_str`` and friends) to a Series."""
    return pl.select(expr).to_series()


def _choice(rng: np.random.Generator, p: tuple[float, ...] | np.ndarray, n: int) -> np.ndarray:
    """``n`` draws of an index with relative weights ``p`` (like ``rng.choice``, but faster)."""
    p = np.asarray(p, dtype=float)
    return np.searchsorted(np.cumsum(p / p.sum()), rng.random(n), side="right")


def _citizenship(rng: np.random.Generator, n: int) -> np.ndarray:
    """Indices into COUNTRIES: 92% home, 6% foreign (neighbours first), 2% blank (= len)."""
    foreign = np.array([35, 10, 8, 8, 6, 6, 5, 5, 4, 4.0]) * 6 / 91
    return _choice(rng, (92, *foreign, 2), n)


def _by_category(
    rng: np.random.Generator, cat: np.ndarray, table: dict[int, tuple[float, ...]]
) -> np.ndarray:
    """One draw per row from the distribution of its category (key -1: every other)."""
    out = _choice(rng, table[-1], len(cat))
    for c, p in table.items():
        if c != -1 and (m := cat == c).any():
            out[m] = _choice(rng, p, int(m.sum()))
    return out


@dataclass(frozen=True)
class _Chunk:
    """The index arrays that the column builders of one chunk share."""

    rng: np.random.Generator
    n_inc: int  # incidents in the chunk
    n: int  # rows (offences) in the chunk
    rep: np.ndarray  # incident of each row
    first: np.ndarray  # row of each incident's first offence
    seq: np.ndarray  # offence_seq of each row
    off: np.ndarray  # vocabulary entry of each row
    cat_row: np.ndarray  # category of each row's offence
    cat: np.ndarray  # category of each incident (its first offence)
    dom: np.ndarray  # the incident is domestic

    def inc(self, p: float) -> np.ndarray:
        """Per row, one Bernoulli(p) draw per incident."""
        return (self.rng.random(self.n_inc) < p)[self.rep]

    def row(self, p: float) -> np.ndarray:
        """Per row, one Bernoulli(p) draw per row."""
        return self.rng.random(self.n) < p


class Workload:
    """The skeleton of the whole workload, drawn once; ``chunk(c)`` fills in chunk ``c``."""

    def __init__(self, rows: int, seed: int, chunk_rows: int, vocab: Vocabulary) -> None:
        if rows < 1:
            raise ValueError("rows must be at least 1")
        self.seed, self.vocab = seed, vocab
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))
        self.rows, self.duplicates = rows, int(rows * DUP_SHARE)
        base = rows - self.duplicates
        k = (1 + rng.poisson(0.2, int(base / 1.2 * 1.05) + 16)).astype(np.int32)
        cum = np.cumsum(k, dtype=np.int64)
        n_inc = int(np.searchsorted(cum, base)) + 1
        k = k[:n_inc]
        k[-1] -= int(cum[n_inc - 1] - base)  # the last incident is cut to hit rows exactly
        self.k, self.cum = k, np.concatenate([[0], cum[:n_inc]])
        self.cum[-1] = base
        self.incidents = n_inc
        counts = rng.multinomial(n_inc, day_weights())
        self.day_of_incident = np.repeat(np.arange(len(counts), dtype=np.int16), counts)
        days = np.arange(FIRST_DAY, LAST_DAY + 1)
        self.year_of_day = days.astype("datetime64[Y]").astype(np.int64) + 1970
        first_day_of_year = np.searchsorted(self.year_of_day, np.arange(2015, 2025))
        self.first_of_year = np.concatenate([[0], np.cumsum(counts)])[first_day_of_year]
        self.geo = make_geography(rng)
        self.person_pool = max(1000, int(n_inc * 0.4))
        bounds = np.searchsorted(self.cum, np.arange(0, base, chunk_rows), side="left")
        self.chunk_bounds = [*bounds.tolist(), n_inc]
        calendar = np.arange(CALENDAR_START, LAST_DAY + 1)
        self.calendar = np.datetime_as_string(calendar).tolist()
        self.day_offset = int((FIRST_DAY - CALENDAR_START).astype(int))
        self.times = [f"T{m // 60:02d}:{m % 60:02d}:00" for m in range(1440)]
        self.bad_counts = dict.fromkeys(BAD_KINDS, 0)

    def __len__(self) -> int:
        return len(self.chunk_bounds) - 1

    def chunk(self, c: int) -> pl.DataFrame:
        """Rows of the incidents in chunk ``c``, with bad rows and duplicates injected."""
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(c + 1,)))
        i0, i1 = self.chunk_bounds[c], self.chunk_bounds[c + 1]
        k = self.k[i0:i1]
        rep = np.repeat(np.arange(i1 - i0), k)
        first = np.concatenate([[0], np.cumsum(k)[:-1]])
        off = _choice(rng, self.vocab.weights, len(rep))
        cat = self.vocab.category[off[first]]
        ch = _Chunk(
            rng, i1 - i0, len(rep), rep, first, np.arange(len(rep)) - first[rep] + 1, off,
            self.vocab.category[off], cat, rng.random(i1 - i0) < self.vocab.domestic[off[first]],
        )  # fmt: skip
        day = self.day_of_incident[i0:i1].astype(np.int64)
        year = self.year_of_day[day]
        number = np.arange(i0, i1) - self.first_of_year[year - 2015] + 1
        ids = pl.concat_str(
            pl.Series(year[rep]).cast(pl.String),
            pl.lit("-"),
            pl.Series(number[rep]).cast(pl.String).str.zfill(8),
        )
        places, loc = self._places(ch)
        cols = {
            "incident_id": _eval(ids),
            **self._dates(ch, day + self.day_offset),
            **places,
            **self._offences(ch, loc),
            **self._victims(ch),
            **self._suspects(ch),
        }
        df = pl.DataFrame(cols).select(
            # integer columns carry -1 for blank; a field added to FLAT_V1 later stays blank
            (pl.when(pl.col(name) >= 0).then(pl.col(name)) if dtype == pl.Int32 else pl.col(name))
            .cast(dtype)
            .alias(name)
            if name in cols
            else pl.lit(None, dtype).alias(name)
            for name, dtype in SCHEMA.items()
        )
        df, bad = inject_bad(rng, df, self.bad_counts)
        return self._duplicate(rng, df, bad, c)

    def _dates(self, ch: _Chunk, rday: np.ndarray) -> dict[str, pl.Series]:
        """reported_date, occurred_start, occurred_end; times are minutes since 2010-01-01."""
        rng, n_inc, rep = ch.rng, ch.n_inc, ch.rep
        hour = _choice(rng, REPORT_HOURS, n_inc)
        report = rday * 1440 + hour * 60 + rng.integers(0, 60, n_inc)
        mix = _choice(rng, (0.55, 0.35, 0.07, 0.03), n_inc)
        lag = np.choose(
            mix,
            [
                rng.lognormal(np.log(90), 1.0, n_inc),
                rng.lognormal(np.log(1.5 * 1440), 0.9, n_inc),
                rng.lognormal(np.log(20 * 1440), 1.0, n_inc),
                rng.uniform(90 * 1440, 1500 * 1440, n_inc),
            ],
        ).astype(np.int64)
        start = np.maximum(report - lag, 0)
        long_lag = lag >= 1440
        clock = _choice(rng, OCCUR_HOURS, n_inc) * 60 + rng.integers(0, 60, n_inc)
        start = np.where(long_lag, start // 1440 * 1440 + clock, start)
        rounding = rng.random(n_inc)
        start = np.where(rounding < 0.30, start // 60 * 60, start)
        start = np.where((rounding >= 0.30) & (rounding < 0.45), start // 30 * 30, start)
        span = np.where(
            long_lag, rng.uniform(0.05, 0.8, n_inc) * lag, rng.lognormal(np.log(20), 1.0, n_inc)
        )
        end = np.minimum(start + span.astype(np.int64), report)
        form = rng.random(n_inc)  # < 0.04 blank, < 0.10 a date only
        date_only, no_start = (form < 0.10)[rep], (form < 0.04)[rep]
        no_end = no_start | ch.inc(0.55)

        def text(minutes: np.ndarray, blank: np.ndarray) -> pl.Series:
            tod = np.where(date_only, len(self.times), minutes % 1440)
            clock = _pick(self.times, tod).fill_null("")
            return _eval(pl.concat_str(_pick(self.calendar, minutes // 1440, blank), clock))

        return {
            "reported_date": _pick(self.calendar, rday[rep]),
            "occurred_start": text(start[rep], no_start),
            "occurred_end": text(end[rep], no_end),
        }

    def _places(self, ch: _Chunk) -> tuple[dict[str, pl.Series], np.ndarray]:
        """area_code, lat, lon, location_type (and the location of each incident)."""
        rng, n_inc, rep, geo, voc = ch.rng, ch.n_inc, ch.rep, self.geo, self.vocab
        area = _choice(rng, geo.weights, n_inc)
        has_point = rng.random(n_inc) >= 0.05
        lat = geo.lat[area] + rng.normal(0, 1, n_inc) * geo.spread[area]
        lon = geo.lon[area] + rng.normal(0, 1, n_inc) * geo.spread[area] * 1.6
        lat = np.where(has_point, np.round(np.clip(lat, *LAT_BOX), 6), np.nan)
        lon = np.where(has_point, np.round(np.clip(lon, *LON_BOX), 6), np.nan)
        loc = _choice(rng, voc.location_weights, n_inc)
        residence = next((i for i, s in enumerate(voc.locations) if "RESIDENCE" in s.upper()), 0)
        loc = np.where(ch.dom & (rng.random(n_inc) < 0.75), residence, loc)
        return {
            "area_code": _pick(geo.codes, area[rep]),
            "lat": pl.Series(lat[rep]).fill_nan(None),
            "lon": pl.Series(lon[rep]).fill_nan(None),
            "location_type": _pick(voc.locations, loc[rep]),
        }, loc

    def _offences(self, ch: _Chunk, loc: np.ndarray) -> dict[str, pl.Series]:
        """The offence text, attempted, and the incident's weapon, cyber flag and narrative."""
        rng, voc, off, rep = ch.rng, self.vocab, ch.off, ch.rep
        weapon = _by_category(rng, ch.cat, {
            -1: (0, 0, 1, 55, 44), V: (5, 6, 12, 45, 32), S: (0, 2, 3, 60, 35),
            W: (80, 8, 7, 0, 5),
        })  # fmt: skip
        hint = voc.weapon_hint[off[ch.first]]
        weapon = np.where((hint >= 0) & (rng.random(ch.n_inc) < 0.95), hint, weapon)
        cyber = _by_category(rng, ch.cat, {-1: (0.5, 80, 19.5), F: (35, 45, 20)})
        attempted = np.where(voc.attempt[off], 0, _choice(rng, (3, 88, 9), ch.n))
        template = _choice(rng, (0.25, 0.25, 0.25, 0.24, 0.01), ch.n_inc)[rep]
        narrative = pl.concat_str(  # an incident-level field: the same on all its rows
            _pick([t[0] for t in NARRATIVE], template, ch.inc(0.75)),
            _pick(voc.descriptions, off[ch.first][rep]).str.to_lowercase(),
            pl.lit(" at "),
            _pick(voc.locations, loc[rep]).str.to_lowercase(),
            _pick([t[1] for t in NARRATIVE], template),
        )
        return {
            "cyber_related": _pick(TRI, cyber[rep], ch.inc(0.10)),
            "weapon": _pick(WEAPONS, weapon[rep], ch.inc(0.08)),
            "narrative": _eval(narrative),
            "offence_seq": pl.Series(ch.seq),
            "national_code": _pick(voc.codes, off, ch.row(0.01)),
            "national_label": _pick(voc.labels, off, ch.row(0.01)),
            "description": _pick(voc.descriptions, off, ch.row(0.02)),
            "attempted": _pick(TRI, attempted, ch.row(0.10)),
        }

    def _victims(self, ch: _Chunk) -> dict[str, pl.Series]:
        """One victim per row, by offence category; only person victims have sex, age, ..."""
        rng, n, cat, dom = ch.rng, ch.n, ch.cat_row, ch.dom[ch.rep]
        present = rng.random(n) < np.array([0.97, 0.97, 0.65, 0.7, 0.05, 0.1, 0.3, 0.5])[cat]
        vtype = _by_category(rng, cat, {
            -1: (60, 0, 20, 20), V: (1, 0, 0, 0), S: (1, 0, 0, 0), P: (75, 25, 0, 0),
            F: (60, 40, 0, 0), D: (0, 0, 0, 1), W: (0, 0, 0, 1), R: (30, 0, 20, 50),
        })  # fmt: skip
        sex = _by_category(rng, np.where(dom, -2, cat), {
            -1: (52, 44, 0.5, 3.5), -2: (19, 78, 0.5, 2.5), S: (12, 85, 0.5, 2.5),
        })  # fmt: skip
        age = np.where(rng.random(n) < 0.06, rng.integers(0, 18, n), 10 + rng.gamma(2.2, 11, n))
        age = np.minimum(age, 99).astype(np.int32)
        partner = (rng.random(n) < 0.6) & (age >= 16)  # domestic: partner, else family
        relationship = np.where(
            dom, np.where(partner, 0, 1), _choice(rng, (0, 0, 25, 45, 4, 26), n)
        )
        age = np.where(rng.random(n) < 0.08, -1, age)
        relationship = np.where(rng.random(n) < 0.10, len(RELATIONSHIPS), relationship)
        citizenship = _citizenship(rng, n)
        injury = _by_category(rng, cat, {
            -1: (85, 3, 0, 0, 12), V: (40, 38, 9, 0.5, 12.5), S: (50, 25, 8, 0, 17),
        })  # fmt: skip
        injury = np.where(self.vocab.fatal[ch.off] & (rng.random(n) < 0.95), 3, injury)
        # later offences of an incident mostly concern the victim of its first offence, and
        # then repeat that victim exactly (same victim_seq, same fields)
        inherit = (ch.seq > 1) & (rng.random(n) < 0.7)
        src = np.where(inherit, ch.first[ch.rep], np.arange(n))
        present, vtype, sex, age, relationship, injury, citizenship = (
            a[src] for a in (present, vtype, sex, age, relationship, injury, citizenship)
        )
        person = present & (vtype == 0)
        return {
            "victim_seq": pl.Series(np.where(present, np.where(inherit, 1, ch.seq), -1)),
            "victim_type": _pick(VICTIM_TYPES, vtype, ~present),
            "victim_sex": _pick(SEXES, sex, ~person),
            "victim_age": pl.Series(np.where(person, age, -1)),
            "victim_citizenship": _pick(COUNTRIES, citizenship, ~person),
            "victim_relationship": _pick(RELATIONSHIPS, relationship, ~person),
            "victim_injury": _pick(INJURIES, injury, ~person),
        }

    def _suspects(self, ch: _Chunk) -> dict[str, pl.Series]:
        """One suspect per incident, by the category of its first offence."""
        rng, n_inc, rep = ch.rng, ch.n_inc, ch.rep
        present = rng.random(n_inc) < np.array([0.7, 0.6, 0.4, 0.35, 0.95, 0.9, 0.8, 0.5])[ch.cat]
        sex = _choice(rng, (76, 19, 0.5, 4.5), n_inc)
        age = np.minimum(12 + rng.gamma(2.0, 11, n_inc), 99).astype(np.int32)
        age = np.where(rng.random(n_inc) < 0.15, -1, age)
        # few people are many suspects: rank = pool * U^3; the key hides the rank
        rank = np.floor(self.person_pool * rng.random(n_inc) ** 3).astype(np.int64)
        ref = (rank * 7919 + self.seed % 1000) % 1_000_000_000
        ref_text = pl.concat_str(pl.lit("S"), pl.Series(ref[rep]).cast(pl.String).str.zfill(9))
        on = present[rep]
        return {
            "suspect_seq": pl.Series(np.where(on, 1, -1)),
            "suspect_person_ref": _eval(pl.when(pl.Series(on)).then(ref_text)),
            "suspect_sex": _pick(SEXES, sex[rep], ~on),
            "suspect_age": pl.Series(np.where(on, age[rep], -1)),
            "suspect_citizenship": _pick(COUNTRIES, _citizenship(rng, n_inc)[rep], ~on),
        }

    def _duplicate(
        self, rng: np.random.Generator, df: pl.DataFrame, bad: np.ndarray, c: int
    ) -> pl.DataFrame:
        """Copy good rows of the chunk to random places in it (the chunk's share of 0.1%)."""
        base = self.rows - self.duplicates
        lo, hi = self.cum[self.chunk_bounds[c]], self.cum[self.chunk_bounds[c + 1]]
        m = round(self.duplicates * hi / base) - round(self.duplicates * lo / base)
        if m <= 0:
            return df
        good = np.ones(df.height, dtype=bool)
        good[bad] = False
        copies = rng.choice(np.flatnonzero(good), size=m, replace=False)
        places = np.sort(rng.integers(0, df.height + 1, m))
        pieces, prev = [], 0
        for at, row in zip(places.tolist(), copies.tolist(), strict=True):
            pieces += [df.slice(prev, at - prev), df.slice(row, 1)]
            prev = at
        return pl.concat([*pieces, df.slice(prev)], rechunk=False)


def generate(
    out: str | Path,
    rows: int = DEFAULT_ROWS,
    seed: int = DEFAULT_SEED,
    *,
    chunk_rows: int = CHUNK_ROWS,
    vocab: str = "auto",
    quiet: bool = False,
) -> dict[str, object]:
    """Write the workload to ``out`` (CSV, ``.csv.gz`` or ``.parquet``) and its manifest."""
    t0 = time.perf_counter()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    w = Workload(rows, seed, chunk_rows, load_vocabulary(vocab))
    tmp = out.with_name(out.name + ".partial")
    gz = out.name.endswith(".gz")
    parquet = None
    with gzip.open(tmp, "wb", compresslevel=1) if gz else tmp.open("wb") as sink:
        for c in range(len(w)):
            df = w.chunk(c)
            if out.name.endswith(".parquet"):
                import pyarrow.parquet as pq

                table = df.to_arrow()
                parquet = parquet or pq.ParquetWriter(sink, table.schema, compression="zstd")
                parquet.write_table(table)
            else:
                df.write_csv(sink, include_header=c == 0, float_precision=6)
            if not quiet:
                print(f"\r  chunk {c + 1}/{len(w)}", end="", file=sys.stderr, flush=True)
        if parquet is not None:
            parquet.close()
    tmp.replace(out)
    manifest = {
        "file": out.name,
        "layout": "flat_v1",
        "columns": list(field_names(FLAT_V1)),
        "rows": rows,
        "seed": seed,
        "chunk_rows": chunk_rows,
        "vocabulary": w.vocab.source,
        "incidents": w.incidents,
        "duplicates": w.duplicates,
        "bad_rows": sum(w.bad_counts.values()),
        "bad_rows_by_kind": w.bad_counts,
        "seconds": round(time.perf_counter() - t0, 2),
        "bytes": out.stat().st_size,
    }
    manifest_path(out).write_text(json.dumps(manifest, indent=2) + "\n")
    if not quiet:
        print(file=sys.stderr)
    return manifest


def manifest_path(out: str | Path) -> Path:
    """Where ``generate`` writes the manifest of ``out``."""
    out = Path(out)
    return out.with_name(out.name + ".manifest.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="output file: .csv, .csv.gz or .parquet")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--chunk-rows", type=int, default=CHUNK_ROWS)
    parser.add_argument("--vocab", choices=("auto", "chicago", "builtin"), default="auto")
    args = parser.parse_args(argv)
    m = generate(args.out, args.rows, args.seed, chunk_rows=args.chunk_rows, vocab=args.vocab)
    print(json.dumps(m, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
