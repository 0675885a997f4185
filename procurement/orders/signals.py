"""What happens to orders, for other apps to act on (contracts publishes awards and emails people).

Each is sent by the service function with transaction.on_commit, so a receiver only ever hears about a
change that really committed, and hears about it once:

* ``order_completed(sender=Order, order=...)``: the buyer completed an order (an amendment too).
* ``order_accepted(sender=Order, order=...)``: the supplier accepted a completed order.
* ``order_terminated(sender=Order, order=...)``: the buyer terminated a live order.
* ``order_amended(sender=Order, order=<new revision>, previous=<old revision>)``: an amendment was
  completed; the previous revision is now superseded (sent after ``order_completed`` for the new one).
"""

from django.dispatch import Signal

order_completed = Signal()
order_accepted = Signal()
order_terminated = Signal()
order_amended = Signal()
