/**
 * Calibration suggestions (DESIGN §6): when a user keeps approving an agent's
 * high-confidence writes of one tool, Countersign suggests auto-approving them. The
 * {@link dev.countersign.policy.calibration.Calibrator} counts the user's answers per
 * (agent, tool) in a {@link dev.countersign.policy.calibration.CalibrationStore} and
 * opens a {@link dev.countersign.policy.calibration.Suggestion}; accepting one is the
 * user's act and a loosening.
 */
@NullMarked
package dev.countersign.policy.calibration;

import org.jspecify.annotations.NullMarked;
