/**
 * The user's rules (DESIGN §6): a closed, declarative JSON grammar (no expression
 * language) that names tools, connections and agents by glob, risks by name, and
 * arguments by {@code {arg, op, value}} conditions, and gives an
 * {@link dev.countersign.policy.rule.Effect}.
 * {@link dev.countersign.policy.rule.RuleJson} reads and writes the JSON, refusing
 * unknown fields, ops, effects and wrong types with an error naming the field
 * ({@code rules[0].when[1].op}); {@link dev.countersign.policy.rule.DefaultRules} are
 * what a new user starts with; the {@link dev.countersign.policy.rule.RuleStore} keeps
 * each user's ordered list under a version for compare-and-set.
 */
@NullMarked
package dev.countersign.policy.rule;

import org.jspecify.annotations.NullMarked;
