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
 * `Document` of the service, field for field). It only renames and shapes: it checks nothing the
 * library checks. Empty values (null and '') are left out of every field, so the library reports
 * a required one as missing with the field's path (the original package took '' for missing too).
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
        self::put($document, 'id', self::text($order->getDocumentUuid()));
        self::put($document, 'checkoutDateTime', self::dateTime($order->getCheckoutDateTime()));
        self::put($document, 'docNum', self::text($order->getOrderId()));
        self::put($document, 'docType', self::text($order->getTypeOperation()));
        $document['printReceipt'] = (bool) $printReceipt;
        self::put($document, 'responseURL', self::text($responseUrl));
        self::put($document, 'email', self::text($order->getCustomerContact()));
        self::put($document, 'taxMode', self::text($order->getTaxMode()));

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
            self::put($document, 'cashierName', self::text($cashier->getName()));
            self::put($document, 'cashierInn', self::text($cashier->getInn()));
            self::put($document, 'cashierPosition', self::text($cashier->getPosition()));
        }

        if ($order instanceof ModulposOrderDetailsInterface) {
            self::put($document, 'textToPrint', self::text($order->getTextToPrint()));
            self::put($document, 'clientName', self::text($order->getClientName()));
            self::put($document, 'clientInn', self::text($order->getClientInn()));
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
            self::put($money, 'paymentType', self::text($payment->getType()));
            self::put($money, 'sum', Json::number($payment->getSum()));
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
        self::put($position, 'name', self::text($item->getName()));
        self::put($position, 'price', Json::number($item->getPrice()));
        self::put($position, 'quantity', Json::number($item->getQuantity()));
        self::put($position, 'vatTag', self::vatTag($item->getVatTag()));
        self::put($position, 'paymentObject', self::text($item->getPaymentObject()));
        self::put($position, 'paymentMethod', self::text($item->getPaymentMethod()));
        if ($item instanceof ModulposOrderItemDetailsInterface) {
            self::put($position, 'discSum', Json::number($item->getDiscSum()));
            self::put($position, 'vatSum', Json::number($item->getVatSum()));
            self::put($position, 'measure', self::text($item->getMeasure()));
            self::put($position, 'productMark', self::text($item->getProductMark()));
            self::put($position, 'inventCode', self::text($item->getInventCode()));
            self::put($position, 'barcode', self::text($item->getBarcode()));
            self::put($position, 'nomenclatureCode', self::text($item->getNomenclatureCode()));
            self::put($position, 'originCountryCode', self::text($item->getOriginCountryCode()));
            self::put($position, 'customsDeclarationNumber', self::text($item->getCustomsDeclarationNumber()));
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
     * Ints become strings (an order number is often an int); anything else is passed as it is.
     *
     * @param mixed $value
     *
     * @return mixed
     */
    private static function text($value)
    {
        return is_int($value) ? (string) $value : $value;
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
     * A VAT tag given as a decimal string ('1105') becomes the integer code.
     *
     * @param mixed $value
     *
     * @return mixed
     */
    private static function vatTag($value)
    {
        return is_string($value) && preg_match('/^[1-9][0-9]{0,8}$/', $value) === 1 ? (int) $value : $value;
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
