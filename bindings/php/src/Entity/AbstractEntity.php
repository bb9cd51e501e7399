<?php

namespace Bigperson\ModulposApiClient\Entity;

use Bigperson\ModulposApiClient\Exceptions\MethodNotFound;

/**
 * Base of the entities: create() builds one from an array of its fields.
 */
abstract class AbstractEntity
{
    /**
     * new static(), then set{Key}($value) for each key, in the array's order.
     *
     * @param array $params e.g. ['price' => 100, 'name' => 'Tea']
     *
     * @throws MethodNotFound when the entity has no setter for a key
     *
     * @return static
     */
    public static function create(array $params)
    {
        $entity = new static();
        foreach ($params as $key => $value) {
            $setter = 'set' . $key;
            if (!method_exists($entity, $setter)) {
                throw new MethodNotFound("Method $setter not found in " . static::class);
            }
            $entity->$setter($value);
        }

        return $entity;
    }
}
