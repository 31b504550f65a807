"""A Streamable HTTP MCP server built on the official Python SDK (mcp 2.x), for the tools test.

Usage: python http_mcp.py PORT — serves /mcp on 127.0.0.1:PORT with one tool, get_weather.
"""
import sys

from mcp.server.mcpserver import MCPServer

server = MCPServer("weather")


@server.tool()
def get_weather(city: str) -> str:
    """Get the weather in a city."""
    return f"Sunny and 21 C in {city} (from the HTTP server)"


server.run(transport="streamable-http", host="127.0.0.1", port=int(sys.argv[1]))
