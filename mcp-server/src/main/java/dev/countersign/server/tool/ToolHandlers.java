package dev.countersign.server.tool;

import java.util.Map;

/**
 * A group of handlers, by tool name. Each area (deals, calendar, …) contributes one bean;
 * the registry matches them to the catalog.
 */
@FunctionalInterface
public interface ToolHandlers {

	/**
	 * The handlers of this group.
	 * @return handlers by tool name
	 */
	Map<String, ToolHandler> handlers();

}
