"""The BSN path: a TensorFlow ``compat.v1`` graph trained with ``Session.run``.

Only runs that execute an operation made by an optimizer's ``minimize``/``apply_gradients`` (or a
``tf.group`` around one) are iterations; evaluation runs that fetch the loss are not.
"""
import statistics

import pytest

pytestmark = pytest.mark.training

TRAIN_STEPS = 12
GROUPED_STEPS = 4
SLEEP = 0.04

TF1 = f"""
import time
import numpy as np
import tensorflow as tf
tf1 = tf.compat.v1
tf1.disable_eager_execution()
x = tf1.placeholder(tf.float32, [None, 3])
y = tf1.placeholder(tf.float32, [None, 1])
w = tf1.get_variable("w", [3, 1])
loss = tf1.reduce_mean(tf1.square(tf1.matmul(x, w) - y))
train_op = tf1.train.AdamOptimizer(0.01).minimize(loss)          # as BSN's TEM and PEM do
grouped = tf1.group(train_op, tf1.no_op())
feed = {{x: np.ones((4, 3)), y: np.ones((4, 1))}}
with tf1.Session() as sess:
    sess.run(tf1.global_variables_initializer())
    for step in range({TRAIN_STEPS}):
        _, value = sess.run([train_op, loss], feed_dict=feed)
        sess.run(loss, feed_dict=feed)                              # evaluation: not an iteration
        time.sleep({SLEEP})
    for step in range({GROUPED_STEPS}):
        sess.run({{"train": grouped}}, feed_dict=feed)
print("done")
"""


def test_session_runs_with_a_training_op_are_iterations(run_probed):
    pytest.importorskip("tensorflow", reason="tensorflow-cpu is not installed (requirements.txt pins it)")
    proc, records = run_probed(TF1, extra_env={"TF_CPP_MIN_LOG_LEVEL": "3"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout == "done\n"
    path, iters = records.only_stepping()
    assert [r["i"] for r in iters] == list(range(1, TRAIN_STEPS + GROUPED_STEPS + 1))
    header = records.by_file[path][0]
    assert header["marker"] == "tf_session_run" and header["tensorflow"]
    dts = [r["dt"] for r in iters[1:TRAIN_STEPS]]
    assert all(dt >= SLEEP for dt in dts)
    assert statistics.median(dts) < SLEEP + 0.05
    assert all(r["mem_gb"] is None and r["rss_gb"] > 0 for r in iters)
