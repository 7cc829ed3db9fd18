"""The three engines the metric definitions run on, and one way to run and read them.

* `db`: the operational database (SQLite or PostgreSQL) through Ibis, on the connection the
  caller hands over (Django's, so a test's transaction is seen);
* `duckdb`: DuckDB over the Parquet snapshots of `youpin export parquet`;
* `spark`: Apache Spark (local mode here, a cluster in production) over the same files.

Either engine over Parquet can also read the metric set from the daily layer
(`youpin metrics materialize`) instead of the raw tables: `build_layer` computes the layer
from raw rows on any engine, `run_layer_metrics` aggregates a written one.

No Django import: the command and the tests pass connections and settings in.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends import BaseBackend

from youpin.catalog.classify import Rule
from youpin.metrics.definitions import (
    LAYER_TABLES,
    SHANGHAI_OFFSET_SECONDS,
    Params,
    RawLayer,
    Sources,
    StoredLayer,
    epoch,
    metric_set,
    metrics_of_layer,
)
from youpin.metrics.layer import LayerInfo, conform

ENGINES = ("db", "duckdb", "spark")

# Sources field → raw table name (the Django table, and the Parquet file's stem).
TABLES = {
    "orders": "commerce_order",
    "lines": "commerce_orderline",
    "merchants": "catalog_merchant",
    "shops": "catalog_shop",
    "products": "catalog_product",
    "categories": "catalog_category",
    "parcels": "logistics_parcel",
    "events": "logistics_trackingevent",
    "stations": "stations_station",
}
TITLE_RULES_TABLE = "catalog_titlerule"
PARQUET_TABLES = (*TABLES.values(), TITLE_RULES_TABLE)

Row = dict[str, Any]
Results = dict[str, list[Row]]


def sources(con: BaseBackend) -> Sources:
    """The raw tables of a connected backend as the definitions' `Sources`."""
    return Sources(**{field: con.table(name) for field, name in TABLES.items()})


def title_rules(con: BaseBackend) -> tuple[Rule, ...]:
    """The enabled title rules stored in the source (catalog.TitleRule)."""
    t = con.table(TITLE_RULES_TABLE)
    rows = t.filter(t.enabled).select("word", "item_class", "priority").to_pyarrow().to_pylist()
    return tuple(Rule(r["word"], r["item_class"], int(r["priority"])) for r in rows)


def data_years(con: BaseBackend) -> tuple[int, int] | None:
    """The first and last Shanghai years with an order or a collected parcel (None if empty)."""
    o, p = con.table(TABLES["orders"]), con.table(TABLES["parcels"])
    times = o.select(s=epoch(o.ordered_at)).union(
        p.filter(p.collected_at.notnull()).select(s=epoch(p.collected_at))
    )
    bounds = times.aggregate(lo=times.s.min(), hi=times.s.max()).to_pyarrow().to_pylist()[0]
    if bounds["lo"] is None:
        return None
    return _shanghai_year(int(bounds["lo"])), _shanghai_year(int(bounds["hi"]))


def _day_start(day: int) -> int:
    """Epoch seconds of the Shanghai midnight starting a day number."""
    return day * 86_400 - SHANGHAI_OFFSET_SECONDS


def _shanghai_year(seconds: int) -> int:
    """The Shanghai calendar year of epoch seconds."""
    shifted = datetime.fromtimestamp(seconds + SHANGHAI_OFFSET_SECONDS, tz=UTC)
    return shifted.year


class _ReadOnlySqlite:
    """A SQLite connection whose `commit` and `rollback` do nothing.

    Ibis's SQLite backend commits after reading a table's schema; on the caller's connection
    that would end the caller's transaction (a Django `atomic` block, a test). The metrics
    only read, so there is nothing of theirs to commit or roll back.
    """

    def __init__(self, con: Any) -> None:
        """Wrap a sqlite3 connection."""
        self._con = con

    def __getattr__(self, name: str) -> Any:
        """Everything else is the wrapped connection's."""
        return getattr(self._con, name)

    def commit(self) -> None:
        """Leave the caller's transaction alone."""

    def rollback(self) -> None:
        """Leave the caller's transaction alone."""


@contextmanager
def db_backend(dbapi_connection: Any, vendor: str) -> Iterator[BaseBackend]:
    """Ibis on an open SQLite or PostgreSQL DB-API connection (Django's `connection.connection`).

    The caller's transaction is left as it was (on PostgreSQL Ibis's own blocks become
    savepoints). Ibis turns SQLite's `case_sensitive_like` on for its own `LIKE`s; it is
    turned off again afterwards, since Django's case-insensitive lookups rely on it off.
    """
    if vendor == "sqlite":
        con = ibis.sqlite.from_connection(_ReadOnlySqlite(dbapi_connection))
        try:
            yield con
        finally:
            dbapi_connection.execute("PRAGMA case_sensitive_like = OFF")
    elif vendor == "postgresql":
        yield ibis.postgres.from_connection(dbapi_connection)
    else:
        raise ValueError(f"不支持的数据库：{vendor}")


def _parquet_path(directory: Path, table: str) -> str:
    """The Parquet file of a raw table in an export directory."""
    path = directory / f"{table}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"缺少 Parquet 文件：{path}（先运行 youpin export parquet）")
    return str(path)


@contextmanager
def duckdb_backend(
    directory: Path, *, threads: int | None = None, tables: Sequence[str] = PARQUET_TABLES
) -> Iterator[BaseBackend]:
    """DuckDB (in memory) with a view per Parquet snapshot; UTC session time zone."""
    con = ibis.duckdb.connect()
    con.raw_sql("SET TimeZone = 'UTC'")
    if threads:
        con.raw_sql(f"SET threads = {int(threads)}")
    for table in tables:
        _duckdb_view(con, table, _parquet_path(directory, table))
    try:
        yield con
    finally:
        con.disconnect()


def _duckdb_view(con: Any, table: str, path: str) -> None:
    """A view over one Parquet file, its UTC times as naive UTC timestamps.

    The same instants and the same epoch seconds; DuckDB's epoch of a time-zone-aware
    timestamp goes through its ICU calendar (≈ 0.2 µs a value, several per row in the
    window filters), of a naive one it is plain arithmetic, about seven times cheaper.
    """
    quoted = path.replace("'", "''")
    columns = con.raw_sql(f"DESCRIBE SELECT * FROM read_parquet('{quoted}')").fetchall()
    aware = [c[0] for c in columns if str(c[1]).upper() == "TIMESTAMP WITH TIME ZONE"]
    replace = ", ".join(f'make_timestamp(epoch_us("{c}")) AS "{c}"' for c in aware)
    select = f"* REPLACE ({replace})" if aware else "*"
    con.raw_sql(
        f"CREATE OR REPLACE VIEW \"{table}\" AS SELECT {select} FROM read_parquet('{quoted}')"
    )


def spark_session(*, cores: int = 2, memory: str = "2g") -> Any:
    """A local Spark session for the metrics (UTC, few shuffle partitions, no UI)."""
    from pyspark.sql import SparkSession

    logging.getLogger("py4j").setLevel(logging.WARNING)  # it logs at interpreter exit
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # the JVM binds to loopback only

    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("youpin-metrics")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(max(2, cores * 2)))
        .config("spark.driver.bindAddress", "127.0.0.1")  # local mode: loopback only
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", memory)
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )


def spark_backend(
    directory: Path, session: Any, *, tables: Sequence[str] = PARQUET_TABLES
) -> BaseBackend:
    """Ibis on a Spark session with a temporary view per Parquet snapshot."""
    for table in tables:
        session.read.parquet(_parquet_path(directory, table)).createOrReplaceTempView(table)
    return ibis.pyspark.connect(session)


@dataclass(frozen=True)
class Run:
    """One run of the metric set: the engine, the parameters and the normalised rows."""

    engine: str
    params: Params
    results: Results


@contextmanager
def kept_tables(engine: str) -> Iterator[Callable[[ir.Table], ir.Table]]:
    """A `keep` for the definitions: on DuckDB and Spark it caches a shared intermediate
    (`Table.cache()`) and every cached table is released on leaving; elsewhere it keeps
    nothing (the operational database is never written)."""
    kept: list[Any] = []

    def keep(table: ir.Table) -> ir.Table:
        if engine not in ("duckdb", "spark"):
            return table
        cached = table.cache()
        kept.append(cached)
        return cached

    try:
        yield keep
    finally:
        for cached in kept:
            cached.release()


def run_metrics(
    con: BaseBackend,
    engine: str,
    *,
    region_prefix: str,
    years: tuple[int, int] | None = None,
    names: Sequence[str] | None = None,
) -> Run:
    """Execute the metric set on a connected backend and return normalised, sorted rows.

    On DuckDB and Spark the intermediates several metrics share are computed once and kept
    (`Table.cache()`: a temporary table, a persisted DataFrame); on the operational
    database nothing is written, they are recomputed inside each query.
    """
    span = years or data_years(con) or (2000, 2000)
    params = Params(region_prefix, span[0], span[1], title_rules(con))
    with kept_tables(engine) as keep:
        exprs = metric_set(sources(con), params, names, keep=keep)
        results = {n: normalise(expr.to_pyarrow().to_pylist()) for n, expr in exprs.items()}
    return Run(engine, params, results)


def stored_layer(con: BaseBackend) -> StoredLayer:
    """The daily layer's tables registered on a backend (by their table names)."""
    return StoredLayer(**{attr: con.table(name) for attr, name in LAYER_TABLES.items()})


def run_layer_metrics(
    con: BaseBackend,
    engine: str,
    info: LayerInfo,
    *,
    region_prefix: str,
    years: tuple[int, int] | None = None,
    names: Sequence[str] | None = None,
) -> Run:
    """Execute the metric set as aggregates of a written daily layer (same rows as raw)."""
    if info.region_prefix != region_prefix:
        raise ValueError(f"指标日层的地区是 {info.region_prefix}，不是 {region_prefix}")
    span = years or (info.first_year, info.last_year)
    if span[0] < info.first_year or span[1] > info.last_year:
        raise ValueError(
            f"指标日层只覆盖 {info.first_year}–{info.last_year} 年，"
            f"不含 {span[0]}–{span[1]}（重建日层或用 --from raw）"
        )
    params = Params(region_prefix, span[0], span[1], info.title_rules)
    exprs = metrics_of_layer(stored_layer(con), params, names)
    results = {n: normalise(expr.to_pyarrow().to_pylist()) for n, expr in exprs.items()}
    return Run(engine, params, results)


def build_layer(
    con: BaseBackend,
    engine: str,
    *,
    region_prefix: str,
    years: tuple[int, int] | None = None,
    days: tuple[int, ...] | None = None,
) -> tuple[LayerInfo, dict[str, pa.Table]]:
    """Compute the daily layer (every day of the years, or only `days`) from raw rows.

    Returns what it was computed for and each table as Arrow in the layer's fixed schema,
    ready for `layer.write_layer`. On DuckDB and Spark the counted orders two tables share
    are kept once (`Table.cache()`), and so are the small tables themselves.
    """
    if years is None and days:  # a partial rebuild: the years of its days
        years = (_shanghai_year(_day_start(min(days))), _shanghai_year(_day_start(max(days))))
    span = years or data_years(con) or (2000, 2000)
    params = Params(region_prefix, span[0], span[1], title_rules(con), days)
    with kept_tables(engine) as keep:
        raw = RawLayer(sources(con), params, keep)
        tables = {attr: conform(attr, getattr(raw, attr).to_pyarrow()) for attr in LAYER_TABLES}
    info = LayerInfo(
        region_prefix,
        span[0],
        span[1],
        params.title_rules,
        {attr: t.num_rows for attr, t in tables.items()},
        datetime.now(UTC).isoformat(timespec="seconds"),
        engine,
    )
    return info, tables


def _plain(value: Any) -> Any:
    """A result value as plain JSON-able Python: integral numbers as int, floats rounded."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return round(value, 6)
    if isinstance(value, int):
        return value
    return value


def _sort_key(row: Row) -> tuple[Any, ...]:
    """Rows ordered by their values (None last in each column)."""
    return tuple((v is None, "" if v is None else v) for v in row.values())


def normalise(rows: list[Row]) -> list[Row]:
    """Rows with plain values, sorted, so that two engines' answers compare equal."""
    plain = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return sorted(plain, key=_sort_key)
