<?php

namespace Tests\Entity;

use Bigperson\ModulposApiClient\Entity\PaymentItem;
use Bigperson\ModulposApiClient\Exceptions\MethodNotFound;
use Bigperson\ModulposApiClient\Exceptions\TypeOperationsNotAllowed;
use Tests\TestCase;

/**
 * Port of the original suite's PaymentItemTest, plus the money types beyond CARD and CASH.
 */
class PaymentItemTest extends TestCase
{
    public function testPaymentItemCanBeCreated(): void
    {
        $item = new PaymentItem();
        $item->setType('CARD');
        $item->setSum(300);

        $this->assertEquals('CARD', $item->getType());
        $this->assertEquals(300, $item->getSum());
    }

    public function testPaymentItemCanBeCreatedByArray(): void
    {
        $item = PaymentItem::create(['type' => 'CASH', 'sum' => 100.5]);

        $this->assertInstanceOf(PaymentItem::class, $item);
        $this->assertEquals('CASH', $item->getType());
        $this->assertEquals(100.5, $item->getSum());
    }

    public function testPaymentItemCanNotBeCreatedByArray(): void
    {
        $this->expectException(MethodNotFound::class);
        PaymentItem::create(['type' => 'CARD', 'sum' => 1, 'methodNotAllowed' => 'methodNotAllowed']);
    }

    public function testPaymentItemCanNotSetType(): void
    {
        $this->expectException(TypeOperationsNotAllowed::class);
        (new PaymentItem())->setType('NONE');
    }

    public function testEveryMoneyTypeIsAcceptedAndNothingElse(): void
    {
        foreach (['CARD', 'CASH', 'PREPAID', 'POSTPAY', 'OTHER'] as $type) {
            $item = new PaymentItem();
            $item->setType($type);
            $this->assertSame($type, $item->getType());
        }
        foreach (['card', 'CASHLESS', '', null] as $type) {
            try {
                (new PaymentItem())->setType($type);
                $this->fail('accepted ' . var_export($type, true));
            } catch (TypeOperationsNotAllowed $e) {
                $this->addToAssertionCount(1);
            }
        }
    }
}
