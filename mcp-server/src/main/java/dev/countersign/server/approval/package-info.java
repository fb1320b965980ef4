/**
 * The approval loop's server side (DESIGN §4 steps 4-6): checking the access token a CIBA
 * approval returns before anything runs on its strength.
 */
@NullMarked
package dev.countersign.server.approval;

import org.jspecify.annotations.NullMarked;
