"""A BI tool reads the head office's documented views with the read-only role the migrations
make (issue 19), and nothing else: not the events, the rows, the terminals' credential
hashes; and it can change nothing."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from pos_app.headoffice import database as db
from tests.headoffice.helpers import enrol


async def test_the_reader_role_reads_every_view_and_nothing_else(database: str) -> None:
    async with await psycopg.AsyncConnection.connect(database, autocommit=True) as conn:
        await db.migrate(conn)
        await enrol(database)
        views = [row[0] for row in await (await conn.execute(
            "SELECT table_name FROM information_schema.views WHERE table_schema = 'public' "
            "ORDER BY table_name")).fetchall()]
        tables = [row[0] for row in await (await conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).fetchall()]
        await conn.execute("DROP ROLE IF EXISTS metabase")
        await conn.execute("CREATE ROLE metabase LOGIN PASSWORD 'bi-test' IN ROLE office_reader")
    assert "money_at_risk" in views
    assert "events" in tables
    reader = psycopg.conninfo.make_conninfo(database, user="metabase", password="bi-test")
    async with await psycopg.AsyncConnection.connect(reader, autocommit=True) as conn:
        for view in views:  # a view added later without its grant fails here
            await conn.execute(sql.SQL("SELECT * FROM {} LIMIT 1").format(sql.Identifier(view)))
        for table in tables:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                await conn.execute(sql.SQL("SELECT * FROM {} LIMIT 1").format(
                    sql.Identifier(table)))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            await conn.execute("DELETE FROM terminals")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            await conn.execute("CREATE TABLE mine (x int)")
    async with await psycopg.AsyncConnection.connect(database, autocommit=True) as conn:
        assert (await (await conn.execute("SELECT count(*) FROM terminals")).fetchone()) == (1,)
