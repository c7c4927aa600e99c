/**
 * JMH benchmarks and measurement tools (docs/BENCHMARKS.md has the commands and the figures).
 *
 * <ul>
 *   <li>{@link dev.flashsale.bench.EngineBenchmark}: the engine alone on one thread.</li>
 *   <li>{@link dev.flashsale.bench.PipelineBenchmark}: input ring + engine + output ring, no journal.</li>
 *   <li>{@link dev.flashsale.bench.MemoryBudget}: heap bytes per live hold, customer entry and
 *       idempotency key, and the full budget in a 2 GB heap.</li>
 * </ul>
 * Built into {@code benchmarks/target/benchmarks.jar}; JMH forks get the JVM flags from
 * {@code @Fork(jvmArgsAppend)}, since forks do not read the jar manifest.
 */
package dev.flashsale.bench;
