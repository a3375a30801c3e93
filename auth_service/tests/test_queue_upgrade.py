from celery import signals
from django.conf import settings


def test_tasks_queued_under_the_bare_queue_name_join_the_prefixed_queue_oldest_first(broker):
    """A worker of this release starts; what an earlier release queued before the key prefix is not lost."""
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    # kombu pushes on the left and takes from the right: "first" is the oldest.
    broker.lpush(queue, "first", "second")
    broker.lpush(f"auth:{queue}", "queued by this release")
    signals.worker_ready.send(sender=None)
    assert broker.exists(queue) == 0
    taken = [broker.rpop(f"auth:{queue}") for _ in range(3)]
    assert taken == [b"first", b"second", b"queued by this release"]
