"""Provider-neutral tool definitions: :class:`FunctionSchema` and :class:`ToolsSchema`."""

from voxpipe.adapters.schemas.function_schema import FunctionSchema
from voxpipe.adapters.schemas.tools_schema import AdapterType, ToolsSchema

__all__ = ["AdapterType", "FunctionSchema", "ToolsSchema"]
