"""No overselling: allocation is one conditional UPDATE (docs/architecture.md, invariant 2)."""

import threading

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import translation

from shop.partner.models import SoldOut, StockRecord
from tests.factories import FarmProductFactory


def _stock(record):
    record.refresh_from_db()
    return record.num_in_stock, record.num_allocated


@pytest.mark.django_db
def test_allocating_more_than_is_free_raises_sold_out_and_changes_nothing(china):
    # given
    product = FarmProductFactory(title="沁州黄小米", stockrecords__num_in_stock=3)
    record = product.stockrecords.get()
    record.allocate(2)
    # when
    with translation.override("zh-hans"), pytest.raises(SoldOut) as sold_out:
        record.allocate(2)
    # then
    assert str(sold_out.value) == (
        "抱歉，“沁州黄小米”库存不够了，买不到 2 件。购物车已为您保留：请减少数量或删掉这件商品，再去结算。"
    )
    assert _stock(record) == (3, 2)
    record.allocate(1)
    assert _stock(record) == (3, 3)


@pytest.mark.django_db
def test_the_database_refuses_more_allocated_than_in_stock(china):
    # given
    record = FarmProductFactory(stockrecords__num_in_stock=3).stockrecords.get()
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        StockRecord.objects.filter(pk=record.pk).update(num_allocated=4)
    assert _stock(record) == (3, None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_buyers_never_take_more_than_the_stock(china):
    # given: 10 units, 40 buyers each wanting one, each in its own transaction and connection
    record = FarmProductFactory(stockrecords__num_in_stock=10).stockrecords.get()
    start = threading.Barrier(40)
    outcomes = []

    def buyer():
        try:
            start.wait()
            with transaction.atomic():
                StockRecord.objects.get(pk=record.pk).allocate(1)
            outcomes.append("bought")
        except SoldOut:
            outcomes.append("sold out")
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=buyer) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    # then
    assert sorted(outcomes).count("bought") == 10
    assert sorted(outcomes).count("sold out") == 30
    assert _stock(record) == (10, 10)
