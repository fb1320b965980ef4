/**
 * The approval engine's server side (DESIGN §4 steps 3-6): {@link ApprovalLoop} closes
 * batches, asks the user's phone over CIBA ({@link ApprovalChannel}) and polls for the
 * answer; {@link BatchExecutor} checks an approval (token, echoed digest, signed actions)
 * and runs the batch through the {@link ProviderWriter}s inside the execution window;
 * {@link ApprovalConfiguration} wires it from {@code countersign.approval.*},
 * {@code countersign.ciba.*} and {@code countersign.vault.write-subject}.
 */
@NullMarked
package dev.countersign.server.approval;

import org.jspecify.annotations.NullMarked;
