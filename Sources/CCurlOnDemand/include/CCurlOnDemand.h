#ifndef CCURLONDEMAND_H
#define CCURLONDEMAND_H
/// Release builds link Foundation statically; FoundationNetworking (pulled in by the MCP SDK's
/// URLSession code, which ollama-deck never calls) needs libcurl. These definitions open libcurl
/// on first use instead, so the dashboard does not load libcurl and its thirty libraries at start.
int ccurl_on_demand_loaded(void);
#endif
