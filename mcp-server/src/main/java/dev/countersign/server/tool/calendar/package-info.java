/**
 * The calendar tools over Google Calendar API v3: listing the events of the user's
 * primary calendar and finding free time in it from Google's free/busy data, with the
 * user's provider token for the {@code google-oauth2} connection.
 */
@NullMarked
package dev.countersign.server.tool.calendar;

import org.jspecify.annotations.NullMarked;
