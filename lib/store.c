/* PLACEHOLDER: replaced by the real module. */
#include "store.h"
