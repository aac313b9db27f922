"""SM, ME and MT message storage (TS 27.005 3.1)."""

import pytest

from gsmgateway.sim.errors import InvalidIndex, StorageFull
from gsmgateway.sim.storage import MessageKind, MessageStatus, MessageStore, StoredMessage


def message(status=MessageStatus.REC_UNREAD, pdu="00"):
    return StoredMessage(status, MessageKind.DELIVER, pdu, 1)


def test_mt_is_sm_then_me_and_store_names_the_real_memory():
    store = MessageStore({"SM": 2, "ME": 3})
    assert store.capacity("MT") == 5
    assert store.store("MT", message(pdu="01")) == ("SM", 1)
    assert store.store("MT", message(pdu="02")) == ("SM", 2)
    assert store.store("MT", message(pdu="03")) == ("ME", 1)
    assert [i for i, _ in store.items("MT")] == [1, 2, 3]
    assert store.get("MT", 3).pdu == "03"
    assert store.get("ME", 1).pdu == "03"
    assert store.used("MT") == 3 and store.used("SM") == 2 and store.used("ME") == 1


def test_full_and_out_of_range():
    store = MessageStore({"SM": 1, "ME": 1})
    store.store("SM", message())
    with pytest.raises(StorageFull):
        store.store("SM", message())
    with pytest.raises(InvalidIndex):
        store.get("SM", 2)
    with pytest.raises(InvalidIndex):
        store.delete("ME", 0)
    assert store.get("ME", 1) is None


def test_reading_marks_read_and_delete_flags_follow_27005():
    store = MessageStore({"SM": 5, "ME": 5})
    for status in MessageStatus:
        store.store("SM", message(status))
    store.mark_read("SM", 1)
    assert store.get("SM", 1).status is MessageStatus.REC_READ
    store.delete_by_flag("SM", 1)  # all read
    assert [m.status for _, m in store.items("SM")] == [
        MessageStatus.STO_UNSENT,
        MessageStatus.STO_SENT,
    ]
    store.delete_by_flag("SM", 2)  # read and sent
    assert [m.status for _, m in store.items("SM")] == [MessageStatus.STO_UNSENT]
    store.store("SM", message())
    store.delete_by_flag("SM", 4)
    assert store.used("SM") == 0
