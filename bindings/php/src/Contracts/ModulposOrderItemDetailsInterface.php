<?php

namespace Bigperson\ModulposApiClient\Contracts;

/**
 * Optional position fields beyond the original package (discount, VAT sum, measure, marking code,
 * codes, agent and supplier data). Entity\OrderItem implements it; implement it on your own item
 * model to send these fields. A getter returning null leaves its field out.
 */
interface ModulposOrderItemDetailsInterface extends ModulposOrderItemInterface
{
    /** Discount for the whole position (total = price × quantity − discSum). @return float|int|string|null */
    public function getDiscSum();

    /** VAT amount of the position. @return float|int|string|null */
    public function getVatSum();

    /** Unit of measure, e.g. 'pcs'. @return string|null */
    public function getMeasure();

    /** Marking code (КМ) of a marked product. @return string|null */
    public function getProductMark();

    /** The shop's article code. @return string|null */
    public function getInventCode();

    /** @return string|null */
    public function getBarcode();

    /** FFD 1.05 tag 1162 as hex bytes separated by spaces. @return string|null */
    public function getNomenclatureCode();

    /** OKSM numeric country code, e.g. '643'. @return string|null */
    public function getOriginCountryCode();

    /** @return string|null */
    public function getCustomsDeclarationNumber();

    /** Position-level agent data, same shape as the document's. @return array|null */
    public function getAgentInfo();

    /** ['name' => ..., 'inn' => ..., 'phones' => [...]]. @return array|null */
    public function getSupplierInfo();

    /** FFD 1.2 industry requisite: ['foivId', 'docDateTime', 'docNumber', 'docData']. @return array|null */
    public function getIndustryRequisite();
}
