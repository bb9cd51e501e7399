<?php

namespace Bigperson\ModulposApiClient\Entity;

use Bigperson\ModulposApiClient\Contracts\ModulposOrderDetailsInterface;
use Bigperson\ModulposApiClient\Contracts\ModulposOrderItemInterface;
use Bigperson\ModulposApiClient\Contracts\ModulposPaymentItemInterface;
use Bigperson\ModulposApiClient\Exceptions\TaxModeNotAllowed;
use Bigperson\ModulposApiClient\Exceptions\TypeOperationsNotAllowed;
use Bigperson\ModulposApiClient\Internal\Tables;

/**
 * An order: one receipt document.
 *
 * The setters of typeOperation and taxMode accept exactly the values of the library's tables
 * (document types SALE, RETURN, BUY, BUY_RETURN and the *_CORRECTION ones; tax modes COMMON,
 * SIMPLIFIED, SIMPLIFIED_WITH_EXPENSE, ENVD, COMMON_AGRICULTURAL, PATENT).
 */
class Order extends AbstractEntity implements ModulposOrderDetailsInterface
{
    /** @var string */
    protected $documentUuid;

    /** @var string|int */
    protected $orderId;

    /** @var string */
    protected $customerContact;

    /** @var string */
    protected $typeOperation;

    /** @var string */
    protected $checkoutDateTime;

    /** @var string|null null: the retail point's setting */
    protected $taxMode;

    /** @var ModulposOrderItemInterface[] */
    protected $items = [];

    /** @var ModulposPaymentItemInterface[] */
    protected $paymentItems = [];

    /** @var string|null */
    protected $textToPrint;

    /** @var string|null */
    protected $clientName;

    /** @var string|null */
    protected $clientInn;

    /** @var array|null */
    protected $agentInfo;

    /** @var array|null */
    protected $correctionInfo;

    public function getDocumentUuid()
    {
        return $this->documentUuid;
    }

    /**
     * @param string $documentUuid unique per receipt; resending with the same id never makes a second receipt
     */
    public function setDocumentUuid($documentUuid)
    {
        $this->documentUuid = $documentUuid;
    }

    public function getOrderId()
    {
        return $this->orderId;
    }

    /**
     * @param string|int $orderId
     */
    public function setOrderId($orderId)
    {
        $this->orderId = $orderId;
    }

    public function getCustomerContact()
    {
        return $this->customerContact;
    }

    /**
     * @param string $customerContact e-mail, or phone as +7 and 10 digits
     */
    public function setCustomerContact($customerContact)
    {
        $this->customerContact = $customerContact;
    }

    public function getTypeOperation()
    {
        return $this->typeOperation;
    }

    /**
     * @param string $typeOperation SALE, RETURN, BUY, BUY_RETURN, SALE_CORRECTION, ...
     *
     * @throws TypeOperationsNotAllowed
     */
    public function setTypeOperation($typeOperation)
    {
        Tables::requireCode(Tables::DOC_TYPES, $typeOperation, 'typeOperation', TypeOperationsNotAllowed::class);
        $this->typeOperation = $typeOperation;
    }

    public function getCheckoutDateTime()
    {
        return $this->checkoutDateTime;
    }

    /**
     * @param string $checkoutDateTime ISO-8601 with offset, e.g. (new \DateTime())->format(DATE_RFC3339)
     */
    public function setCheckoutDateTime($checkoutDateTime)
    {
        $this->checkoutDateTime = $checkoutDateTime;
    }

    public function getTaxMode()
    {
        return $this->taxMode;
    }

    /**
     * @param string|null $taxMode COMMON, SIMPLIFIED, SIMPLIFIED_WITH_EXPENSE, ENVD, COMMON_AGRICULTURAL,
     *                             PATENT; null leaves it to the retail point's setting
     *
     * @throws TaxModeNotAllowed
     */
    public function setTaxMode($taxMode)
    {
        if ($taxMode !== null) {
            Tables::requireCode(Tables::TAX_MODES, $taxMode, 'taxMode', TaxModeNotAllowed::class);
        }
        $this->taxMode = $taxMode;
    }

    /**
     * Typed OrderItem as in the original package, so shops' subclasses that override it still fit.
     *
     * @param OrderItem $item
     */
    public function addItem(OrderItem $item)
    {
        $this->items[] = $item;
    }

    public function getItems()
    {
        return $this->items;
    }

    /**
     * @param ModulposPaymentItemInterface $paymentItem
     */
    public function addPaymentItem($paymentItem)
    {
        $this->paymentItems[] = $paymentItem;
    }

    public function getPaymentItems()
    {
        return $this->paymentItems;
    }

    public function getTextToPrint()
    {
        return $this->textToPrint;
    }

    /**
     * @param string|null $textToPrint printed on the register, at most 3000 characters
     */
    public function setTextToPrint($textToPrint)
    {
        $this->textToPrint = $textToPrint;
    }

    public function getClientName()
    {
        return $this->clientName;
    }

    /**
     * @param string|null $clientName buyer organisation or full name
     */
    public function setClientName($clientName)
    {
        $this->clientName = $clientName;
    }

    public function getClientInn()
    {
        return $this->clientInn;
    }

    /**
     * @param string|null $clientInn buyer INN (10 or 12 digits)
     */
    public function setClientInn($clientInn)
    {
        $this->clientInn = $clientInn;
    }

    public function getAgentInfo()
    {
        return $this->agentInfo;
    }

    /**
     * @param array|null $agentInfo ['types' => [...], 'payingAgent' => [...], 'receivePaymentsOperator' => [...],
     *                              'moneyTransferOperator' => [...]]
     */
    public function setAgentInfo($agentInfo)
    {
        $this->agentInfo = $agentInfo;
    }

    public function getCorrectionInfo()
    {
        return $this->correctionInfo;
    }

    /**
     * @param array|null $correctionInfo ['reason' => 'INDEPENDENT'|'BY_ORDER', 'documentDate' => 'YYYY-MM-DD',
     *                                   'documentNum' => ..., 'fiscalSign' => ...]
     */
    public function setCorrectionInfo($correctionInfo)
    {
        $this->correctionInfo = $correctionInfo;
    }
}
