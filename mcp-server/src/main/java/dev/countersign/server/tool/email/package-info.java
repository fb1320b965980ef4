/**
 * The email tools over Gmail API v1: searching the user's mailbox with Gmail's query
 * syntax and reading one message, whose raw RFC 5322 form is parsed with Jakarta Mail
 * (multipart structure, transfer encodings, charsets, attachment names), with the user's
 * provider token for the {@code google-oauth2} connection.
 */
@NullMarked
package dev.countersign.server.tool.email;

import org.jspecify.annotations.NullMarked;
