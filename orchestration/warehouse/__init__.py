"""The one way Python code touches the warehouse: `Warehouse`, on DuckDB or PostgreSQL."""

from orchestration.warehouse.base import PYTHON_SCHEMAS, Warehouse

__all__ = ["PYTHON_SCHEMAS", "Warehouse"]
