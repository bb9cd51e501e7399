<?php

namespace Tests;

use Bigperson\ModulposApiClient\Entity\Order;
use Bigperson\ModulposApiClient\Entity\OrderItem;
use Bigperson\ModulposApiClient\Entity\PaymentItem;

/**
 * Base of every test, like the original suite's Tests\TestCase.
 */
abstract class TestCase extends \PHPUnit\Framework\TestCase
{
    /**
     * The order of the original README and suite: a SALE to test@example.com of 'Test Product1'
     * (100) and 'Test Product2' (200), both without VAT, paid 300 by card.
     * (Tests\Binding\OriginalReadmeTest spells it out statement for statement, as the README does.)
     */
    protected static function readmeOrder(string $documentUuid, string $checkoutDateTime, int $orderId): Order
    {
        $order = Order::create([
            'documentUuid' => $documentUuid,
            'checkoutDateTime' => $checkoutDateTime,
            'orderId' => $orderId,
            'typeOperation' => 'SALE',
            'customerContact' => 'test@example.com',
        ]);
        $order->addItem(OrderItem::create([
            'price' => 100,
            'quantity' => 1,
            'vatTag' => OrderItem::VAT_NO,
            'name' => 'Test Product1',
        ]));
        $order->addItem(OrderItem::create([
            'price' => 200,
            'quantity' => 1,
            'vatTag' => OrderItem::VAT_NO,
            'name' => 'Test Product2',
        ]));
        $order->addPaymentItem(PaymentItem::create([
            'type' => 'CARD',
            'sum' => 300,
        ]));

        return $order;
    }

    /**
     * Skips the test unless the live-test environment is set (as the original suite expects it).
     */
    public static function requireLiveEnvironment(): void
    {
        foreach (['MODULPOS_LOGIN', 'MODULPOS_PASSWORD', 'MODULPOS_RETAIL_POINT_UUID', 'MODULPOS_TEST_BASE_URL'] as $name) {
            if (getenv($name) === false || getenv($name) === '') {
                self::markTestSkipped("$name is not set: live tests need a modulpos-sandbox (see run-tests.sh)");
            }
        }
    }
}
