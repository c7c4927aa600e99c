package dev.flashsale.engine.pipeline;

/** Every pipeline test again, with the input stages, the engine and the output stages on one core thread. */
class CoreThreadPipelineTest extends PipelineTest
{
    @Override
    ThreadLayout layout()
    {
        return ThreadLayout.CORE_THREAD;
    }
}
