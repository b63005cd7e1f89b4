"""The EHC plan itself: sections A to K as data, its versions, and who may read and write them."""
