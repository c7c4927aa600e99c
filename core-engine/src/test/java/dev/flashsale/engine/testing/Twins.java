package dev.flashsale.engine.testing;

import dev.flashsale.engine.EngineConfig;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that a refused input changes nothing: two engines get the same history, then one gets the
 * input and the other a Tick at the same time (a tick does only the housekeeping every input does).
 * Their state hashes must be equal, and the input must publish no events of its own.
 */
public final class Twins
{
    private Twins()
    {
    }

    public static List<Out> assertChangesNothing(
        final EngineConfig config, final Consumer<EngineDriver> history, final Function<EngineDriver, List<Out>> input)
    {
        final EngineDriver subject = new EngineDriver(config);
        final EngineDriver twin = new EngineDriver(config);
        history.accept(subject);
        history.accept(twin);
        final List<Out> out = input.apply(subject);
        final List<Out> tick = twin.tick();
        assertThat(EngineDriver.events(out)).as("events of a refused input").isEqualTo(EngineDriver.events(tick));
        assertThat(subject.engine().stateHash()).as("state after a refused input").isEqualTo(twin.engine().stateHash());
        return out;
    }
}
