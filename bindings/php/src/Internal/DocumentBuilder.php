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
        $document = [];
        self::put($document, 'id', $order->getDocumentUuid());
        self::put($document, 'checkoutDateTime', self::dateTime($order->getCheckoutDateTime()));
        self::put($document, 'docNum', $order->getOrderId());
        self::put($document, 'docType', $order->getTypeOperation());
        $document['printReceipt'] = (bool) $printReceipt;
        self::put($document, 'responseURL', $responseUrl);
        self::put($document, 'email', $order->getCustomerContact());
        self::put($document, 'taxMode', $order->getTaxMode());

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
            self::put($document, 'cashierName', $cashier->getName());
            self::put($document, 'cashierInn', $cashier->getInn());
            self::put($document, 'cashierPosition', $cashier->getPosition());
        }

        if ($order instanceof ModulposOrderDetailsInterface) {
            self::put($document, 'textToPrint', $order->getTextToPrint());
            self::put($document, 'clientName', $order->getClientName());
            self::put($document, 'clientInn', $order->getClientInn());
            self::put($document, 'agentInfo', $order->getAgentInfo());
            self::put($document, 'correctionInfo', $order->getCorrectionInfo());
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
            self::put($money, 'paymentType', $payment->getType());
            self::put($money, 'sum', self::amount($payment->getSum()));
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
        self::put($position, 'name', $item->getName());
        self::put($position, 'price', self::amount($item->getPrice()));
        self::put($position, 'quantity', self::amount($item->getQuantity()));
        self::put($position, 'vatTag', $item->getVatTag());
        self::put($position, 'paymentObject', $item->getPaymentObject());
        self::put($position, 'paymentMethod', $item->getPaymentMethod());
        if ($item instanceof ModulposOrderItemDetailsInterface) {
            self::put($position, 'discSum', self::amount($item->getDiscSum()));
            self::put($position, 'vatSum', self::amount($item->getVatSum()));
            self::put($position, 'measure', $item->getMeasure());
            self::put($position, 'productMark', $item->getProductMark());
            self::put($position, 'inventCode', $item->getInventCode());
            self::put($position, 'barcode', $item->getBarcode());
            self::put($position, 'nomenclatureCode', $item->getNomenclatureCode());
            self::put($position, 'originCountryCode', $item->getOriginCountryCode());
            self::put($position, 'customsDeclarationNumber', $item->getCustomsDeclarationNumber());
            self::put($position, 'agentInfo', $item->getAgentInfo());
            self::put($position, 'supplierInfo', $item->getSupplierInfo());
            self::put($position, 'industryRequisite', $item->getIndustryRequisite());
        }

        return $position;
    }

    /**
     * @param array<string, mixed> $target
     * @param mixed                $value
     */
    private static function put(array &$target, string $key, $value): void
    {
        if ($value !== null && $value !== '') {
            $target[$key] = $value;
        }
    }

    /**
     * A non-finite float (NAN, INF) cannot be written in JSON; it is passed as its text ('NAN',
     * 'INF', '-INF'), which the library reports as not finite, naming the field.
     *
     * @param mixed $value
     *
     * @return mixed
     */
    private static function amount($value)
    {
        return is_float($value) && !is_finite($value) ? (string) $value : $value;
    }

    /**
     * A \DateTimeInterface becomes ISO-8601 with offset; anything else is passed as it is.
     *
     * @param mixed $value
     *
     * @return mixed
     */
    private static function dateTime($value)
    {
        return $value instanceof \DateTimeInterface ? $value->format(DATE_RFC3339) : $value;
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
