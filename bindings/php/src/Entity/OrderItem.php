<?php

namespace Bigperson\ModulposApiClient\Entity;

use Bigperson\ModulposApiClient\Contracts\ModulposOrderItemDetailsInterface;
use Bigperson\ModulposApiClient\Exceptions\PaymentMethodNotAllowed;
use Bigperson\ModulposApiClient\Exceptions\PaymentObjectNotAllowed;
use Bigperson\ModulposApiClient\Exceptions\VatTagNotAllowed;
use Bigperson\ModulposApiClient\Internal\Tables;

/**
 * A receipt position.
 *
 * vatTag, paymentObject and paymentMethod accept exactly the values of the library's tables (the
 * VAT_* constants, 'commodity', ..., 'full_payment', ...). Amounts may be ints, floats or decimal
 * strings such as '100.50'; they are sent as given and checked by the library (at most 2 decimals
 * for money, 3 for the quantity).
 */
class OrderItem extends AbstractEntity implements ModulposOrderItemDetailsInterface
{
    /** @var float|int|string */
    protected $price;

    /** @var float|int|string */
    protected $quantity;

    /** @var int */
    protected $vatTag;

    /** @var string */
    protected $name;

    /** @var string */
    protected $paymentObject = 'commodity';

    /** @var string */
    protected $paymentMethod = 'full_payment';

    /** @var float|int|string|null */
    protected $discSum;

    /** @var float|int|string|null */
    protected $vatSum;

    /** @var string|null */
    protected $measure;

    /** @var string|null */
    protected $productMark;

    /** @var string|null */
    protected $inventCode;

    /** @var string|null */
    protected $barcode;

    /** @var string|null */
    protected $nomenclatureCode;

    /** @var string|null */
    protected $originCountryCode;

    /** @var string|null */
    protected $customsDeclarationNumber;

    /** @var array|null */
    protected $agentInfo;

    /** @var array|null */
    protected $supplierInfo;

    /** @var array|null */
    protected $industryRequisite;

    public function getPrice()
    {
        return $this->price;
    }

    /**
     * @param float|int|string $price unit price before the position discount
     */
    public function setPrice($price)
    {
        $this->price = $price;
    }

    public function getQuantity()
    {
        return $this->quantity;
    }

    /**
     * @param float|int|string $quantity
     */
    public function setQuantity($quantity)
    {
        $this->quantity = $quantity;
    }

    public function getVatTag()
    {
        return $this->vatTag;
    }

    /**
     * @param int $vatTag one of the VAT_* constants
     *
     * @throws VatTagNotAllowed
     */
    public function setVatTag($vatTag)
    {
        Tables::requireCode(Tables::VAT_TAGS, $vatTag, 'vatTag', VatTagNotAllowed::class);
        $this->vatTag = $vatTag;
    }

    public function getName()
    {
        return $this->name;
    }

    /**
     * @param string $name at most 128 characters
     */
    public function setName($name)
    {
        $this->name = $name;
    }

    public function getPaymentObject()
    {
        return $this->paymentObject;
    }

    /**
     * @param string $paymentObject commodity, excise, job, service, ..., another (default commodity)
     *
     * @throws PaymentObjectNotAllowed
     */
    public function setPaymentObject($paymentObject)
    {
        Tables::requireCode(Tables::PAYMENT_OBJECTS, $paymentObject, 'paymentObject', PaymentObjectNotAllowed::class);
        $this->paymentObject = $paymentObject;
    }

    public function getPaymentMethod()
    {
        return $this->paymentMethod;
    }

    /**
     * @param string $paymentMethod full_prepayment, prepayment, advance, full_payment, partial_payment, credit,
     *                              credit_payment (default full_payment)
     *
     * @throws PaymentMethodNotAllowed
     */
    public function setPaymentMethod($paymentMethod)
    {
        Tables::requireCode(Tables::PAYMENT_METHODS, $paymentMethod, 'paymentMethod', PaymentMethodNotAllowed::class);
        $this->paymentMethod = $paymentMethod;
    }

    public function getDiscSum()
    {
        return $this->discSum;
    }

    /**
     * @param float|int|string|null $discSum discount for the whole position (total = price × quantity − discSum)
     */
    public function setDiscSum($discSum)
    {
        $this->discSum = $discSum;
    }

    public function getVatSum()
    {
        return $this->vatSum;
    }

    /**
     * @param float|int|string|null $vatSum VAT amount of the position
     */
    public function setVatSum($vatSum)
    {
        $this->vatSum = $vatSum;
    }

    public function getMeasure()
    {
        return $this->measure;
    }

    /**
     * @param string|null $measure unit of measure, e.g. 'pcs'
     */
    public function setMeasure($measure)
    {
        $this->measure = $measure;
    }

    public function getProductMark()
    {
        return $this->productMark;
    }

    /**
     * @param string|null $productMark marking code (КМ) of a marked product
     */
    public function setProductMark($productMark)
    {
        $this->productMark = $productMark;
    }

    public function getInventCode()
    {
        return $this->inventCode;
    }

    /**
     * @param string|null $inventCode the shop's article code
     */
    public function setInventCode($inventCode)
    {
        $this->inventCode = $inventCode;
    }

    public function getBarcode()
    {
        return $this->barcode;
    }

    /**
     * @param string|null $barcode barcode
     */
    public function setBarcode($barcode)
    {
        $this->barcode = $barcode;
    }

    public function getNomenclatureCode()
    {
        return $this->nomenclatureCode;
    }

    /**
     * @param string|null $nomenclatureCode FFD 1.05 tag 1162, hex bytes separated by spaces
     */
    public function setNomenclatureCode($nomenclatureCode)
    {
        $this->nomenclatureCode = $nomenclatureCode;
    }

    public function getOriginCountryCode()
    {
        return $this->originCountryCode;
    }

    /**
     * @param string|null $originCountryCode OKSM numeric country code, e.g. '643'
     */
    public function setOriginCountryCode($originCountryCode)
    {
        $this->originCountryCode = $originCountryCode;
    }

    public function getCustomsDeclarationNumber()
    {
        return $this->customsDeclarationNumber;
    }

    /**
     * @param string|null $customsDeclarationNumber customs declaration number
     */
    public function setCustomsDeclarationNumber($customsDeclarationNumber)
    {
        $this->customsDeclarationNumber = $customsDeclarationNumber;
    }

    public function getAgentInfo()
    {
        return $this->agentInfo;
    }

    /**
     * @param array|null $agentInfo position-level agent data, same shape as Order::setAgentInfo()
     */
    public function setAgentInfo($agentInfo)
    {
        $this->agentInfo = $agentInfo;
    }

    public function getSupplierInfo()
    {
        return $this->supplierInfo;
    }

    /**
     * @param array|null $supplierInfo ['name' => ..., 'inn' => ..., 'phones' => [...]]
     */
    public function setSupplierInfo($supplierInfo)
    {
        $this->supplierInfo = $supplierInfo;
    }

    public function getIndustryRequisite()
    {
        return $this->industryRequisite;
    }

    /**
     * @param array|null $industryRequisite FFD 1.2 tag 1260: ['foivId', 'docDateTime', 'docNumber', 'docData']
     */
    public function setIndustryRequisite($industryRequisite)
    {
        $this->industryRequisite = $industryRequisite;
    }
}
