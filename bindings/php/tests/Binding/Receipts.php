<?php

declare(strict_types=1);

namespace Tests\Binding;

use Bigperson\ModulposApiClient\Entity\Order;
use Bigperson\ModulposApiClient\Entity\OrderItem;
use Bigperson\ModulposApiClient\Entity\PaymentItem;

/**
 * Valid orders to start tests from.
 */
final class Receipts
{
    /** A valid two-position sale of 300.00 paid by card. */
    public static function order(?string $documentUuid = null): Order
    {
        $order = Order::create([
            'documentUuid' => $documentUuid ?? self::uuid(),
            'checkoutDateTime' => '2026-11-28T12:00:00+03:00',
            'orderId' => 'PHP-' . rand(100000, 999999),
            'typeOperation' => 'SALE',
            'customerContact' => 'buyer@example.com',
        ]);
        $order->addItem(OrderItem::create(['price' => 100, 'quantity' => 1, 'vatTag' => OrderItem::VAT_NO, 'name' => 'Чай']));
        $order->addItem(OrderItem::create(['price' => '200.00', 'quantity' => 1, 'vatTag' => OrderItem::VAT_20, 'name' => 'Кружка']));
        $order->addPaymentItem(PaymentItem::create(['type' => 'CARD', 'sum' => 300]));

        return $order;
    }

    public static function uuid(): string
    {
        $bytes = random_bytes(16);
        $bytes[6] = chr((ord($bytes[6]) & 0x0f) | 0x40);
        $bytes[8] = chr((ord($bytes[8]) & 0x3f) | 0x80);

        return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($bytes), 4));
    }
}
