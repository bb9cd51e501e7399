<?php

namespace Bigperson\ModulposApiClient\Exceptions;

/**
 * AbstractEntity::create() was given a key the entity has no setter for.
 */
class MethodNotFound extends \Exception
{
}
