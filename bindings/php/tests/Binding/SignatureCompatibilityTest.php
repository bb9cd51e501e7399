<?php

declare(strict_types=1);

namespace Tests\Binding;

use Tests\TestCase;

/**
 * A shop's subclasses and own implementations written against the original package's signatures
 * load unchanged (PHP refuses an incompatible override with a fatal error, hence a fresh process).
 */
class SignatureCompatibilityTest extends TestCase
{
    public function testShopSubclassesWithTheOriginalSignaturesLoad(): void
    {
        $code = sprintf(
            'require %s; require %s;
            foreach (["ShopOrder", "ShopOrderItem", "ShopPaymentItem", "ShopCashier", "ShopClient", "ShopAssociate", "ShopConfig", "FakeClient", "ShopEntity"] as $c) {
                if (!class_exists("Shop\\\\$c")) { echo "missing $c\n"; exit(1); }
            }
            $order = Shop\ShopOrder::create(["typeOperation" => "SALE"]);
            $order->addItem(Shop\ShopOrderItem::create(["vatTag" => 1105]));
            $client = new Shop\ShopClient("u", "p", true);
            echo get_class($order), " ", Shop\ShopConfig::getBaseUrl(true), "\n";',
            var_export(realpath(__DIR__ . '/../../autoload.php'), true),
            var_export(__DIR__ . '/fixtures/shop-subclasses.php', true)
        );
        [$exit, $out, $err] = Subprocess::php($code, [], ['error_reporting=E_ALL', 'display_errors=stderr']);
        $this->assertSame(0, $exit, $out . $err);
        $this->assertSame('', $err, 'no warning or deprecation');
        $this->assertSame("Shop\\ShopOrder https://demo.modulpos.ru/api/fn\n", $out);
    }
}
