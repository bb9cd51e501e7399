<?php

declare(strict_types=1);

namespace Bigperson\ModulposApiClient\Internal;

use Bigperson\ModulposApiClient\Contracts\ModulposCashierInterface;
use Bigperson\ModulposApiClient\Contracts\ModulposOrderDetailsInterface;
use Bigperson\ModulposApiClient\Contracts\ModulposOrderInterface;
use Bigperson\ModulposApiClient\Contracts\ModulposOrderItemDetailsInterface;
use Bigperson\ModulposApiClient\Contracts\ModulposOrderItemInterface;
use Bigperson\ModulposApiClient\Contracts\ModulposPaymentItemInterface;
use Bigperson\ModulposApiClient\Exceptions\ValidationException;

/**
 * Reads an order through the Contracts interfaces and shapes it into the API's document (the
 * `Document` of the service, field for field). It only renames and shapes: it checks and converts
 * nothing the library checks or converts (an integer order number, a numeric string amount, a
 * '1105' VAT tag, a '+0300' offset are all the library's to normalize). Empty values (null and
 * '') are left out of every field, so the library reports a required one as missing with the
 * field's path (the original package took '' for missing too).
 *
 * @internal
 */
final class DocumentBuilder
{
    private function __construct()
    {
    }

    /**
     * @param mixed $responseUrl
     * @param mixed $printReceipt
     * @param mixed $cashier a ModulposCashierInterface or null
     *
     * @return array<string, mixed>
     */
    public static function build(ModulposOrderInterface $order, $responseUrl = null, $printReceipt = false, $cashier = null): array
    {
        // Each field is copied inline, not through a helper: this runs about twenty times a line
        // for every receipt, and a PHP call per field was a third of the build. Null and '' are
        // left out. A non-finite float amount (NAN, INF) cannot be written in JSON; it is passed
        // as its text ('NAN', 'INF', '-INF'), which the library reports as not finite, naming the
        // field. A \DateTimeInterface becomes ISO-8601 with offset.
        $document = [];
        if (($v = $order->getDocumentUuid()) !== null && $v !== '') {
            $document['id'] = $v;
        }
        if (($v = $order->getCheckoutDateTime()) !== null && $v !== '') {
            $document['checkoutDateTime'] = $v instanceof \DateTimeInterface ? $v->format(DATE_RFC3339) : $v;
        }
        if (($v = $order->getOrderId()) !== null && $v !== '') {
            $document['docNum'] = $v;
        }
        if (($v = $order->getTypeOperation()) !== null && $v !== '') {
            $document['docType'] = $v;
        }
        $document['printReceipt'] = (bool) $printReceipt;
        if (($v = $responseUrl) !== null && $v !== '') {
            $document['responseURL'] = $v;
        }
        if (($v = $order->getCustomerContact()) !== null && $v !== '') {
            $document['email'] = $v;
        }
        if (($v = $order->getTaxMode()) !== null && $v !== '') {
            $document['taxMode'] = $v;
        }

        if ($cashier !== null) {
            if (!$cashier instanceof ModulposCashierInterface) {
                throw new ValidationException(
                    'the cashier must implement ' . ModulposCashierInterface::class . ', got ' . self::typeOf($cashier),
                    'invalid_argument',
                    null,
                    null,
                    false,
                    'cashier'
                );
            }
            if (($v = $cashier->getName()) !== null && $v !== '') {
                $document['cashierName'] = $v;
            }
            if (($v = $cashier->getInn()) !== null && $v !== '') {
                $document['cashierInn'] = $v;
            }
            if (($v = $cashier->getPosition()) !== null && $v !== '') {
                $document['cashierPosition'] = $v;
            }
        }

        if ($order instanceof ModulposOrderDetailsInterface) {
            if (($v = $order->getTextToPrint()) !== null && $v !== '') {
                $document['textToPrint'] = $v;
            }
            if (($v = $order->getClientName()) !== null && $v !== '') {
                $document['clientName'] = $v;
            }
            if (($v = $order->getClientInn()) !== null && $v !== '') {
                $document['clientInn'] = $v;
            }
            if (($v = $order->getAgentInfo()) !== null && $v !== '') {
                $document['agentInfo'] = $v;
            }
            if (($v = $order->getCorrectionInfo()) !== null && $v !== '') {
                $document['correctionInfo'] = $v;
            }
        }

        $document['inventPositions'] = [];
        foreach (self::listOf($order->getItems(), 'inventPositions') as $index => $item) {
            if (!$item instanceof ModulposOrderItemInterface) {
                throw self::wrongType("inventPositions[$index]", ModulposOrderItemInterface::class, $item);
            }
            $position = self::position($item);
            $document['inventPositions'][] = $position === [] ? new \stdClass() : $position;
        }

        $document['moneyPositions'] = [];
        foreach (self::listOf($order->getPaymentItems(), 'moneyPositions') as $index => $payment) {
            if (!$payment instanceof ModulposPaymentItemInterface) {
                throw self::wrongType("moneyPositions[$index]", ModulposPaymentItemInterface::class, $payment);
            }
            $money = [];
            if (($v = $payment->getType()) !== null && $v !== '') {
                $money['paymentType'] = $v;
            }
            if (($v = $payment->getSum()) !== null && $v !== '') {
                $money['sum'] = is_float($v) && !is_finite($v) ? (string) $v : $v;
            }
            $document['moneyPositions'][] = $money === [] ? new \stdClass() : $money;
        }

        return $document;
    }

    /**
     * @return array<string, mixed>
     */
    private static function position(ModulposOrderItemInterface $item): array
    {
        $position = [];
        if (($v = $item->getName()) !== null && $v !== '') {
            $position['name'] = $v;
        }
        if (($v = $item->getPrice()) !== null && $v !== '') {
            $position['price'] = is_float($v) && !is_finite($v) ? (string) $v : $v;
        }
        if (($v = $item->getQuantity()) !== null && $v !== '') {
            $position['quantity'] = is_float($v) && !is_finite($v) ? (string) $v : $v;
        }
        if (($v = $item->getVatTag()) !== null && $v !== '') {
            $position['vatTag'] = $v;
        }
        if (($v = $item->getPaymentObject()) !== null && $v !== '') {
            $position['paymentObject'] = $v;
        }
        if (($v = $item->getPaymentMethod()) !== null && $v !== '') {
            $position['paymentMethod'] = $v;
        }
        if ($item instanceof ModulposOrderItemDetailsInterface) {
            if (($v = $item->getDiscSum()) !== null && $v !== '') {
                $position['discSum'] = is_float($v) && !is_finite($v) ? (string) $v : $v;
            }
            if (($v = $item->getVatSum()) !== null && $v !== '') {
                $position['vatSum'] = is_float($v) && !is_finite($v) ? (string) $v : $v;
            }
            if (($v = $item->getMeasure()) !== null && $v !== '') {
                $position['measure'] = $v;
            }
            if (($v = $item->getProductMark()) !== null && $v !== '') {
                $position['productMark'] = $v;
            }
            if (($v = $item->getInventCode()) !== null && $v !== '') {
                $position['inventCode'] = $v;
            }
            if (($v = $item->getBarcode()) !== null && $v !== '') {
                $position['barcode'] = $v;
            }
            if (($v = $item->getNomenclatureCode()) !== null && $v !== '') {
                $position['nomenclatureCode'] = $v;
            }
            if (($v = $item->getOriginCountryCode()) !== null && $v !== '') {
                $position['originCountryCode'] = $v;
            }
            if (($v = $item->getCustomsDeclarationNumber()) !== null && $v !== '') {
                $position['customsDeclarationNumber'] = $v;
            }
            if (($v = $item->getAgentInfo()) !== null && $v !== '') {
                $position['agentInfo'] = $v;
            }
            if (($v = $item->getSupplierInfo()) !== null && $v !== '') {
                $position['supplierInfo'] = $v;
            }
            if (($v = $item->getIndustryRequisite()) !== null && $v !== '') {
                $position['industryRequisite'] = $v;
            }
        }

        return $position;
    }

    /**
     * @param mixed $items an array or any iterable (e.g. a Doctrine collection)
     *
     * @return array<int, mixed>
     */
    private static function listOf($items, string $field): array
    {
        if ($items === null) {
            return [];
        }
        if (is_array($items)) {
            return array_values($items);
        }
        if ($items instanceof \Traversable) {
            return iterator_to_array($items, false);
        }
        throw new ValidationException(
            "$field must be an array or a Traversable, got " . self::typeOf($items),
            'invalid_argument',
            null,
            null,
            false,
            $field
        );
    }

    /**
     * @param mixed $value
     */
    private static function wrongType(string $field, string $interface, $value): ValidationException
    {
        return new ValidationException(
            "$field must implement $interface, got " . self::typeOf($value),
            'invalid_argument',
            null,
            null,
            false,
            $field
        );
    }

    /**
     * @param mixed $value
     */
    private static function typeOf($value): string
    {
        return is_object($value) ? get_class($value) : gettype($value);
    }
}
