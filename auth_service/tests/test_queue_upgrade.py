from celery import signals
from django.conf import settings


def test_tasks_queued_under_the_bare_queue_name_join_the_prefixed_queue_oldest_first(broker):
    """A worker of this release starts; what an earlier release queued before the key prefix is not lost."""
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    prefixed = settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] + queue
    # kombu pushes on the left and takes from the right: "first" is the oldest.
    broker.lpush(queue, "first", "second")
    broker.lpush(prefixed, "queued by this release")
    signals.worker_ready.send(sender=None)
    assert broker.exists(queue) == 0
    assert [broker.rpop(prefixed) for _ in range(3)] == [b"first", b"second", b"queued by this release"]
