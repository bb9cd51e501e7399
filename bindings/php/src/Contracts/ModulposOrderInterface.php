<?php

namespace Bigperson\ModulposApiClient\Contracts;

/**
 * An order (receipt document). Implement it on your own order model, or use Entity\Order.
 */
interface ModulposOrderInterface
{
    /** Document id, unique per receipt (a UUID recommended); sent as `id`. @return string */
    public function getDocumentUuid();

    /** The shop's order number; sent as `docNum`. @return string|int */
    public function getOrderId();

    /** Buyer e-mail or phone (+7 and 10 digits); sent as `email`. @return string */
    public function getCustomerContact();

    /** Document type: SALE, RETURN (and BUY, BUY_RETURN, *_CORRECTION); sent as `docType`. @return string */
    public function getTypeOperation();

    /** @return ModulposOrderItemInterface[] */
    public function getItems();

    /** @return ModulposPaymentItemInterface[] */
    public function getPaymentItems();

    /** ISO-8601 date-time with offset, e.g. DATE_RFC3339. @return string */
    public function getCheckoutDateTime();

    /** COMMON, SIMPLIFIED, SIMPLIFIED_WITH_EXPENSE, ENVD, COMMON_AGRICULTURAL, PATENT or null. @return string|null */
    public function getTaxMode();
}
